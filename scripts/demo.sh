#!/usr/bin/env bash
# Set up deskmix and run the demo on the embedded sample desk (offline).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-dev
exec .venv/bin/deskmix demo "$@"
