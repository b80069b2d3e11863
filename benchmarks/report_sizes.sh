#!/usr/bin/env bash
# Writes every kind of HTML report deskmix makes, on the embedded sample desk, and prints each
# file's size in bytes: the table in docs/benchmarks.md ("Report sizes").
#   bash benchmarks/report_sizes.sh [OUT]   (default OUT: /tmp/deskmix-report-sizes)
# Uses `deskmix` from PATH, else .venv/bin/deskmix. About 3 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-/tmp/deskmix-report-sizes}"
DESKMIX="$(command -v deskmix || echo .venv/bin/deskmix)"
rm -rf "$OUT" && mkdir -p "$OUT"
run() { "$DESKMIX" "$@" >>"$OUT/log.txt" 2>&1; }

run demo --out "$OUT/demo"                      # demo/report.html (calibration, simulation,
                                                # back-test) and demo/plan.html
DB="$OUT/demo/deskmix-demo.db"
run simulate --team "$OUT/demo/team.yaml" --workload "$OUT/demo/workload.yaml" \
  --reps 4 --weeks 4 --report "$OUT/simulation.html"
run validate --db "$DB" --reps 4 --report "$OUT/validate.html"
run triage evaluate --default --out "$OUT/triage.html"
run skills matrix --db "$DB" --report "$OUT/skills.html"
run assess --answers tests/people/personas/network_engineer_helpdesk_title.yaml \
  --report "$OUT/assess.html"
run plan-year --workload "$OUT/demo/workload.yaml" --costs examples/plan/costs.yaml \
  --sla examples/plan/sla.yaml --msp examples/plan/msp.yaml --start 2026-01-05 --quarters 2 --reps 4 --weeks 4 --max-designs 20 --report "$OUT/year.html"

printf '%-22s %10s\n' report bytes
for f in demo/report.html demo/plan.html simulation.html validate.html triage.html skills.html \
  assess.html year.html; do
  printf '%-22s %10d\n' "$f" "$(stat -c %s "$OUT/$f")"
done
