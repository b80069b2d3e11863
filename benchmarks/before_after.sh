#!/usr/bin/env bash
# Run the speed benchmarks on an earlier commit and on this checkout, alternately, in one run,
# so a refactor's "behaviour unchanged, speed within noise" is shown side by side on the same
# machine under the same load.
#
#   bash benchmarks/before_after.sh REV [--full]
#
# REV is checked out into a temporary git worktree beside this one (removed afterwards) and run with this
# checkout's .venv (PYTHONPATH points at each tree's src/). Needs ../shared/data for the import
# benchmark, PostgreSQL on 127.0.0.1:5432 for the API and backlog ones, and the bench group
# (uv sync --group bench) for SimPy and Ciw. Without --full each benchmark runs its quick form.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: before_after.sh REV [--full]}
full=${2:-}
here=$(pwd)
# beside this checkout, so both trees find ../shared/data
before="$(dirname "$here")/.deskmix-before-$rev"
git worktree add --detach -q "$before" "$rev"
trap 'git worktree remove --force "$before"' EXIT
py="$here/.venv/bin/python"
run() {  # label tree args...
  local label=$1 tree=$2; shift 2
  echo "===== $label: $( [ "$tree" = "$here" ] && echo after || echo "before ($rev)" ) $(date +%T)"
  (cd "$tree" && PYTHONPATH="$tree/src" "$py" "$@")
}
quick=(--quick); [ "$full" = "--full" ] && quick=()
for tree in "$before" "$here" "$before" "$here"; do
  run "simulation speed" "$tree" benchmarks/sim_bench.py "${quick[@]}" --skip-year
done
for tree in "$before" "$here"; do run "planner" "$tree" benchmarks/plan_bench.py "${quick[@]}"; done
for tree in "$before" "$here"; do
  run "live routing with a backlog" "$tree" benchmarks/live_backlog.py --backlog 5000 --routes 300
done
for tree in "$before" "$here" "$before" "$here"; do
  run "API load" "$tree" benchmarks/api_load.py --routes 3000
done
for tree in "$before" "$here"; do run "import speed" "$tree" benchmarks/import_bench.py --repeat 3; done
