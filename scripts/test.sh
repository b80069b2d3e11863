#!/usr/bin/env bash
# Set up deskmix with its test tools and run every check: ruff, mypy, the import contracts,
# then the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== ruff"; .venv/bin/ruff check src tests benchmarks
echo "== ruff format"; .venv/bin/ruff format --check src tests benchmarks
echo "== mypy"; .venv/bin/mypy
echo "== import contracts (docs/architecture.md, floors)"; .venv/bin/lint-imports --no-cache
echo "== pytest"; exec .venv/bin/pytest "$@"
