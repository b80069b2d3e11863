"""Back-test on real exports: effort against capacity, and the model against its history.

Run from the repository root (needs the public logs in ../shared/data):

    .venv/bin/python benchmarks/backtest.py [--replications 3] [--holdout 0.3]

For each log (the UCI ServiceNow incident event log; BPIC'13 on the weeks calibration accepts)
it imports into a scratch SQLite store, calibrates, and prints:

1. **Effort against capacity**: mean effort per tier beside the naive time in a working status,
   and the median week's effort against the on-shift hours of the agents seen working.
2. **The back-test** (``deskmix validate``): the history's team rebuilt and simulated on the
   calibrated workload, figure by figure (median resolution per priority, escalation share,
   utilisation), each with its verdict and the Wasserstein-1 distance of resolution times.

Figures go in docs/benchmarks.md ("Back-test on real exports").
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

from deskmix.calibrate import calibrate_store
from deskmix.calibrate.effort import capacity_text
from deskmix.calibrate.steady import Window
from deskmix.importers import IMPORTERS
from deskmix.importers.writer import write_import
from deskmix.store import open_store
from deskmix.validate.usecase import ValidationRequest, run_validation

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
LOGS = (
    ("UCI ServiceNow", "servicenow-events", "uci-incident-event-log/incident_event_log.csv.gz"),
    ("BPIC'13", "bpic13", "bpic2013-volvo-vinst-ibm/VINST-new.csv"),
)


def _window(importer: str) -> Window | None:
    """BPIC'13 is an extract whose last week holds most tickets: the weeks calibration
    suggests (docs/calibration.md, "BPIC'13, week by week")."""
    if importer == "bpic13":
        return Window(start=date(2012, 3, 5), end=date(2012, 4, 1))
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument("--holdout", type=float, default=0.3)
    args = parser.parse_args()
    for label, importer, name in LOGS:
        path = DATA / name
        if not path.exists():
            print(f"{label}: {path.name} not found; skipped")
            continue
        with tempfile.TemporaryDirectory() as folder:
            store = open_store(f"sqlite:///{folder}/backtest.db")
            write_import(store, IMPORTERS[importer].read(path))
            window = _window(importer)
            result = calibrate_store(store, name=label, window=window)
            workload = result.workload
            print(f"\n== {label}: {workload.tickets:,} tickets, {workload.weeks} weeks")
            print(f"{'cell':<34}{'effort h':>10}{'in working status h':>22}")
            for h in workload.handling:
                naive = h.status_time_mean_hours
                print(
                    f"{h.domain + ' x ' + h.tier.value:<34}{h.mean_hours:>10.2f}"
                    f"{naive if naive is not None else float('nan'):>22.2f}"
                )
            if result.effort is not None:
                print(f"capacity: {capacity_text(result.effort)}")
            if window is not None:
                print("(back-test skipped: validate calibrates the whole history)")
                continue
            outcome = run_validation(
                store,
                ValidationRequest(replications=args.replications, holdout=args.holdout),
            )
            team = outcome.team
            print(
                f"team: {team.people} people seen, {team.median_headcount:.0f} at work in the "
                f"median week, {team.simulated_agents} simulated"
            )
            for run in (outcome.full, outcome.holdout):
                if run is None:
                    continue
                print(f"-- {run.label}: {run.within} of {run.judged} figures within tolerance")
                for f in run.figures:
                    if f.scope.startswith("P") or f.scope == "all":
                        verdict = {True: "ok", False: "MISS", None: "-"}[f.within]
                        hist = "-" if f.history is None else f"{f.history:,.2f}"
                        sim = "-" if f.simulated is None else f"{f.simulated:,.2f}"
                        print(f"  {f.figure[:30]:<30} {f.scope:<5} {hist:>10} {sim:>10} {verdict}")


if __name__ == "__main__":
    main()
