"""Back-test on real exports: effort against capacity, the model against its history, the plan
against the team the history shows (issue 14).

Run from the repository root (needs the public logs in ../shared/data):

    .venv/bin/python benchmarks/backtest.py [--quick] [--mapping FILE] [--replications 2]

For each log (the UCI ServiceNow incident event log with the default mapping and with
``--mapping``, default examples/mappings/uci-event-log.yaml; BPIC'13 on the weeks calibration
accepts, 2012-03-05 to 2012-04-01) it imports into a scratch SQLite store, calibrates, and
prints:

1. **Effort against capacity**: mean effort per domain x tier beside the naive time in a
   working status, and the median week of the calibrated period: effort against the on-shift
   hours of the agents seen working.
2. **The back-test** (``deskmix validate``, no hold-out unless ``--holdout``): the history's
   team rebuilt and simulated on the calibrated workload; the median resolution per priority
   (history, simulated, within 25%?), escalation share and utilisation with their verdicts.
3. **The plan** (``deskmix plan``'s planner with examples/plan/sla.yaml and costs.yaml, few
   replications) beside the agents at work in the history's median week; issue 14's band is
   0.5x-1.5x. The costs file's ``max_headcount`` (80, an illustrative budget) is lifted to
   ``--max-headcount`` so the cap does not decide the ratio.
4. **Ticket-level distances** (log-distance-measures, when installed: the ``bench`` group) of
   one replication of deskmix's simulation from the history, beside Simod's: run when
   ``DESKMIX_SIMOD`` names Simod's executable and ``--simod`` is given (20+ minutes), else the
   figures recorded in docs/benchmarks.md.

Figures go in docs/benchmarks.md ("Back-test on real exports").
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from deskmix.calibrate import calibrate_store
from deskmix.calibrate.effort import capacity_text
from deskmix.calibrate.loading import load_frames
from deskmix.calibrate.result import CalibrationResult
from deskmix.calibrate.steady import Window
from deskmix.domain.workload import Workload
from deskmix.errors import ConfigError
from deskmix.importers import read_source
from deskmix.importers.base import ImportBatch
from deskmix.importers.writer import write_import
from deskmix.plan.evaluate import RunSettings
from deskmix.plan.inputs import load_costs
from deskmix.plan.search import Planner
from deskmix.routing.policies import make_policy
from deskmix.sim.engine import run_replication
from deskmix.sim.model import SimSettings, compile_model
from deskmix.store import Store, open_store
from deskmix.store.selection import Selection
from deskmix.teamfiles import load_sla
from deskmix.validate.use_case import (
    ValidationRequest,
    ValidationResult,
    choose_policy,
    history_team,
    run_validation,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
UCI = ("servicenow-events", "uci-incident-event-log/incident_event_log.csv.gz")
BPIC13 = ("bpic13", "bpic2013-volvo-vinst-ibm/VINST-new.csv")
UCI_MAPPING = ROOT / "examples" / "mappings" / "uci-event-log.yaml"
SLA = ROOT / "examples" / "plan" / "sla.yaml"
COSTS = ROOT / "examples" / "plan" / "costs.yaml"
BAND = (0.5, 1.5)
MEDIAN_TOLERANCE = 0.25
# Simod 5.2.1's ticket-level distances on the whole UCI log, recorded in docs/benchmarks.md
# ("Back-test peers"): one-shot discovery, in-sample.
SIMOD_RECORDED = {
    "cycle_time_emd": 126.5,
    "arrival_emd": 615.2,
    "relative_emd": 63.2,
    "absolute_emd": 675.6,
    "circadian_emd": 2.63,
}


def _restrict(batch: ImportBatch, window: Window) -> ImportBatch:
    """The tickets opened in the window (and all their events): what ``--from/--to`` keep
    for calibration, stored alone so that validate and the history's team see only them."""
    tickets = batch.tickets_frame
    opened = pd.to_datetime(tickets["opened_at"], utc=True)
    start = pd.Timestamp(window.start, tz="UTC")
    end = pd.Timestamp(window.end, tz="UTC") + pd.Timedelta(days=1)
    kept = tickets[(opened >= start) & (opened < end)].reset_index(drop=True)
    events = batch.events_frame
    events = events[events["ticket_id"].isin(set(kept["id"]))].reset_index(drop=True)
    return replace(batch, tickets_frame=kept, events_frame=events)


def _effort(result: CalibrationResult) -> None:
    workload = result.workload
    print(f"{'cell':<34}{'effort h':>10}{'in working status h':>22}{'tickets':>9}")
    for h in workload.handling:
        naive = h.status_time_mean_hours
        print(
            f"{h.domain + ' x ' + h.tier.value:<34}{h.mean_hours:>10.2f}"
            f"{naive if naive is not None else float('nan'):>22.2f}{h.observed:>9,}"
        )
    if result.effort is None:
        return
    period = (workload.period_start, workload.period_end)
    print(f"capacity: {capacity_text(result.effort, *period)}")


def _figures(outcome: ValidationResult) -> None:
    team = outcome.team
    print(
        f"team: {team.people} people seen, {team.median_headcount:.0f} at work in the median "
        f"week, {team.simulated_agents} simulated ({', '.join(team.headcount)})"
    )
    for run in (outcome.full, outcome.holdout):
        if run is None:
            continue
        print(
            f"-- validate, {run.label}: {run.within} of {run.judged} figures within tolerance "
            f"(policy {run.policy})"
        )
        print(f"  {'figure':<24}{'scope':<8}{'history':>10}{'simulated':>11}  within")
        for f in run.figures:
            wanted = (f.figure == "resolution median (h)" and f.scope.startswith("P")) or (
                f.scope == "all"
                and f.figure in ("resolution median (h)", "escalation share", "utilisation")
            )
            if not wanted:
                continue
            verdict = {True: "yes", False: "NO", None: "-"}[f.within]
            hist = "-" if f.history is None else f"{f.history:,.2f}"
            sim = "-" if f.simulated is None else f"{f.simulated:,.2f}"
            ratio = ""
            if f.history and f.simulated is not None and f.figure.startswith("resolution"):
                ratio = f" ({f.simulated / f.history - 1:+.0%})"
            print(f"  {f.figure[:24]:<24}{f.scope:<8}{hist:>10}{sim:>11}  {verdict}{ratio}")


def _plan(workload: Workload, median_headcount: float, reps: int, cap: int) -> None:
    costs = load_costs(COSTS)
    constraints = costs.constraints.model_copy(update={"max_headcount": cap})
    costs = costs.model_copy(update={"constraints": constraints})
    began = time.perf_counter()
    run = RunSettings(reps=reps, weeks=8, seed=0)
    try:
        with Planner(workload, load_sla(SLA), costs, [], run) as planner:
            plan = planner.plan()
    except ConfigError as exc:
        print(f"plan: none ({exc}); the {median_headcount:.0f} agents of the median week stand")
        return
    people = len(plan.evaluation.team.agents)
    ratio = people / median_headcount if median_headcount else float("nan")
    verdict = "inside" if BAND[0] <= ratio <= BAND[1] else "OUTSIDE"
    print(
        f"plan ({reps} reps, {len(plan.log)} designs, {time.perf_counter() - began:.0f} s): "
        f"{people} people ({plan.recommended.label()}) against {median_headcount:.0f} at work "
        f"in the history's median week: {ratio:.2f}x, {verdict} the {BAND[0]}x-{BAND[1]}x band"
    )


def _simulated_tickets(store: Store, workload: Workload) -> pd.DataFrame:
    """One replication of the history's team on the workload, as validate runs it (team,
    policy, delays), placed on the history's clock: the first measured hour is the Monday of
    the calibrated period's first week."""
    team = history_team(store)
    policy, _ = choose_policy(team)
    start = pd.Timestamp(workload.period_start).tz_convert("UTC").normalize()
    start -= pd.Timedelta(days=start.weekday())
    weeks = (pd.Timestamp(workload.period_end) - start) / pd.Timedelta(weeks=1)
    settings = SimSettings(weeks=weeks, warmup_weeks=1, delays=True)
    model = compile_model(workload, team.team, load_sla(None), settings)
    result = run_replication(model, make_policy(policy), np.random.SeedSequence(0).spawn(1)[0])
    measured = (result.arrival >= settings.warmup_hours) & (result.arrival < settings.horizon_hours)
    origin = start - pd.Timedelta(hours=settings.warmup_hours)
    arrival = result.arrival[measured]
    return pd.DataFrame(
        {
            "id": np.arange(len(arrival)).astype(str),
            "opened_at": origin + pd.to_timedelta(arrival, unit="h"),
            "resolved_at": origin + pd.to_timedelta(result.resolved[measured], unit="h"),
        }
    )


def _distances(store: Store, workload: Workload, simod: bool) -> None:
    if importlib.util.find_spec("log_distance_measures") is None:
        print("log-distance-measures not installed (uv sync --group bench): distances skipped")
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from peers_logdistance import peer_distances, tickets_to_event_log

    began = time.perf_counter()
    tickets = load_frames(store, Selection())[0]
    start, end = pd.Timestamp(workload.period_start), pd.Timestamp(workload.period_end)
    opened = pd.to_datetime(tickets["opened_at"], utc=True)
    history = tickets_to_event_log(tickets[(opened >= start) & (opened <= end)])
    simulated_tickets = _simulated_tickets(store, workload)
    simulated = tickets_to_event_log(simulated_tickets)
    measures = list(SIMOD_RECORDED)
    ours = peer_distances(history, simulated, measures=measures)
    peer, label = SIMOD_RECORDED, "Simod (recorded)"
    if simod and os.environ.get("DESKMIX_SIMOD"):
        from peers_simod import run_simod, simod_log_to_tickets, uci_to_simod_log

        with tempfile.TemporaryDirectory() as folder:
            run = run_simod(uci_to_simod_log(DATA / UCI[1]), Path(folder))
            peer = peer_distances(
                tickets_to_event_log(simod_log_to_tickets(uci_to_simod_log(DATA / UCI[1]))),
                tickets_to_event_log(simod_log_to_tickets(run.simulated)),
                measures=measures,
            )
            label = "Simod (run now)"
    print(
        f"ticket-level distances ({len(history):,} historical, {len(simulated):,} of "
        f"{len(simulated_tickets):,} simulated tickets resolved; "
        f"{time.perf_counter() - began:.0f} s):"
    )
    print(f"  {'measure':<18}{'deskmix':>10}{label:>20}")
    for name in measures:
        print(f"  {name:<18}{ours[name]:>10.2f}{peer[name]:>20.2f}")


def _one(label: str, importer: str, name: str, args: argparse.Namespace, **how: object) -> None:
    path = DATA / name
    if not path.exists():
        print(f"\n== {label}: {path.name} not found; skipped")
        return
    mapping = how.get("mapping")
    window = how.get("window")
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{folder}/backtest.db")
        batch = read_source(importer, path, mapping_file=mapping)
        if isinstance(window, Window):
            batch = _restrict(batch, window)
        write_import(store, batch)
        result = calibrate_store(store, name=label)
        workload = result.workload
        domains = sorted({h.domain for h in workload.handling})
        print(
            f"\n== {label}: {workload.tickets:,} tickets, {workload.weeks} weeks, "
            f"{len(domains)} domain(s): {', '.join(domains)}"
        )
        _effort(result)
        outcome = run_validation(
            store, ValidationRequest(replications=args.replications, holdout=args.holdout)
        )
        _figures(outcome)
        if not args.no_plan:
            _plan(
                workload, outcome.team.median_headcount, 2 if args.quick else 4, args.max_headcount
            )
        if importer == UCI[0] and not args.no_distances:
            _distances(store, workload, args.simod)
        store.dispose()
    print(f"({time.perf_counter() - began:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mapping", type=Path, default=UCI_MAPPING, help="UCI mapping file")
    parser.add_argument("--replications", type=int, default=2)
    parser.add_argument("--holdout", type=float, default=0.0)
    parser.add_argument("--quick", action="store_true", help="2 replications per plan design")
    parser.add_argument("--max-headcount", type=int, default=400)
    parser.add_argument("--no-plan", action="store_true")
    parser.add_argument("--no-distances", action="store_true")
    parser.add_argument("--simod", action="store_true", help="run Simod ($DESKMIX_SIMOD)")
    parser.add_argument("--only", choices=("uci", "uci-mapped", "bpic13"), action="append")
    args = parser.parse_args()
    runs = {
        "uci": ("UCI ServiceNow, default mapping", *UCI, {}),
        "uci-mapped": (f"UCI ServiceNow, {args.mapping.name}", *UCI, {"mapping": args.mapping}),
        "bpic13": (
            "BPIC'13, 2012-03-05 to 2012-04-01",
            *BPIC13,
            {"window": Window(start=date(2012, 3, 5), end=date(2012, 4, 1))},
        ),
    }
    for key in args.only or list(runs):
        label, importer, name, how = runs[key]
        _one(label, importer, name, args, **how)


if __name__ == "__main__":
    main()
