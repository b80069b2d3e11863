#!/usr/bin/env bash
# Sets up deskmix in ./.venv from the lock file (uv.lock). Safe to run again: it only catches up.
# Needs Python 3.11 with venv; on Debian/Ubuntu run as root it installs python3-venv if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.9
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
      && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PY="$candidate"; break
    fi
  done
fi
if [ -z "$PY" ]; then
  echo "deskmix needs Python 3.11 (python3.11 on PATH, or PYTHON=/path/to/python3.11)" >&2
  exit 1
fi

if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing python3-venv (Debian package)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  else
    echo "Python's venv module is missing: sudo apt-get install python3-venv" >&2
    exit 1
  fi
fi

if [ ! -x .tools/bin/uv ] || ! .tools/bin/uv --version | grep -q "$UV_VERSION"; then
  "$PY" -m venv .tools
  .tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi

export UV_PYTHON_DOWNLOADS=never
# --compile-bytecode: every module's bytecode written now, so a cold `deskmix` start does not
# compile thousands of source files (it cannot cache them where PYTHONDONTWRITEBYTECODE is set,
# and otherwise the first run of each command pays for it)
.tools/bin/uv sync --frozen --quiet --compile-bytecode --python "$PY" "$@"
.venv/bin/python -m compileall -q src >/dev/null  # deskmix's own modules (an editable install)

# The simulator's event loop is compiled by Numba once and kept on disk; do it now so the first
# simulation does not wait for the compiler.
if ! ls src/deskmix/sim/__pycache__/kernel.simulate_compiled-*.nbi >/dev/null 2>&1; then
  echo "compiling the simulator's event loop (once, about 20 s)" >&2
fi
.venv/bin/python -c "from deskmix.sim.compiled import warm_up; warm_up()"
