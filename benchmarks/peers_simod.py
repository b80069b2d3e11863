"""Simod as a back-test peer: discover a simulation model from an event log, simulate it (issue 14).

Benchmark-only; deskmix never imports this module. Simod cannot live in the project's
environment: simod 5.2.1 requires pandas<3 and python-multipart<0.0.33, and its
pix-framework 0.15.0 requires scikit-learn<1.6, against the project's pandas 3.1.1,
python-multipart 0.0.34 and scikit-learn 1.9.1. So it runs as a subprocess from a virtual
environment of its own (Python 3.11, about 1.1 GB):

    python3.11 -m venv .simod-venv && .simod-venv/bin/pip install simod==5.2.1

and needs a Java runtime on PATH (Split Miner and the BPMN layout tool are jars inside the
simod wheel; Java 17 works). Nothing is downloaded at run time.

Usage, from the repository root with ``../shared/data`` beside it (the distances need the
``bench`` group's log-distance-measures in the project's environment):

    .venv/bin/python benchmarks/peers_simod.py --simod .simod-venv/bin/simod [--cases N]

What it does:

1. ``uci_to_simod_log`` turns the UCI ServiceNow incident log (one row per update of an
   incident) into Simod's CSV form (``case_id, activity, resource, start_time, end_time``):
   each run of consecutive updates in the same ``incident_state`` is one activity instance,
   from the update that entered the state (the first from ``opened_at``) to the update that
   left it. ``Closed`` rows are dropped and the final state is instantaneous, so a case lasts
   from opening to its last update before closure (its resolution, for resolved incidents):
   the same span as a deskmix ticket's ``opened_at`` .. ``resolved_at``. ``resource`` is
   ``assigned_to`` when the state was entered (``unassigned`` for ``?``).
2. ``discover`` runs ``simod --one-shot`` (Simod's discovery with default parameters, no
   hyper-parameter search) and returns the BPMN model and Prosimos parameters it wrote.
3. ``simulate`` runs ``prosimos start-simulation`` (installed with simod) on them for as many
   cases as the log has, starting at the log's first arrival, and reads the simulated log.
4. ``simulated_log_to_tickets`` gives one row per simulated case (``id``, ``opened_at`` = its
   first enablement, ``resolved_at`` = its last end) so that Simod's output goes through the
   same ``peers_logdistance.tickets_to_event_log`` as deskmix's simulated tickets.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

UCI_LOG = Path("..") / "shared" / "data" / "uci-incident-event-log" / "incident_event_log.csv.gz"
UCI_TIME_FORMAT = "%d/%m/%Y %H:%M"
UCI_COLUMNS = [
    "number",
    "incident_state",
    "sys_mod_count",
    "sys_updated_at",
    "assigned_to",
    "opened_at",
]
SIMOD_COLUMNS = ["case_id", "activity", "resource", "start_time", "end_time"]
SIMOD_ENV = "DESKMIX_SIMOD"  # path of the simod executable, when --simod is not given


def uci_to_simod_log(path: Path = UCI_LOG, *, max_cases: int | None = None) -> pd.DataFrame:
    """The UCI incident event log as a Simod event log (see the module docstring).

    ``max_cases`` keeps the first N incidents by number (for quick runs).
    """
    raw = pd.read_csv(path, usecols=UCI_COLUMNS)
    raw = raw[~raw["incident_state"].isin(["-100", "Closed"])].copy()
    raw["updated"] = pd.to_datetime(raw["sys_updated_at"], format=UCI_TIME_FORMAT, utc=True)
    raw["opened"] = pd.to_datetime(
        raw["opened_at"], format=UCI_TIME_FORMAT, utc=True, errors="coerce"
    )
    raw = raw.sort_values(["number", "updated", "sys_mod_count"], kind="stable")
    if max_cases is not None:
        keep = raw["number"].drop_duplicates().iloc[:max_cases]
        raw = raw[raw["number"].isin(keep)]
    # A new run starts where the case or the state changes.
    new_run = (raw["number"] != raw["number"].shift()) | (
        raw["incident_state"] != raw["incident_state"].shift()
    )
    runs = raw.groupby(new_run.cumsum(), sort=False)
    log = pd.DataFrame(
        {
            "case_id": runs["number"].first(),
            "activity": runs["incident_state"].first(),
            "resource": runs["assigned_to"].first().replace("?", "unassigned"),
            "start_time": runs["updated"].first(),
            "opened": runs["opened"].first(),
        }
    ).reset_index(drop=True)
    first = ~log["case_id"].duplicated()
    log.loc[first, "start_time"] = log.loc[first, ["opened", "start_time"]].min(axis=1)
    log["end_time"] = log.groupby("case_id")["start_time"].shift(-1)
    log["end_time"] = log["end_time"].fillna(log["start_time"])
    return log[SIMOD_COLUMNS]


def simod_log_to_tickets(log: pd.DataFrame) -> pd.DataFrame:
    """One row per case of a Simod-form log: ``id``, ``opened_at``, ``resolved_at``."""
    opened = "enable_time" if "enable_time" in log.columns else "start_time"
    cases = log.groupby("case_id", sort=False)
    return pd.DataFrame(
        {
            "id": cases[opened].min().index.astype(str),
            "opened_at": pd.to_datetime(cases[opened].min(), utc=True).to_numpy(),
            "resolved_at": pd.to_datetime(cases["end_time"].max(), utc=True).to_numpy(),
        }
    )


simulated_log_to_tickets = simod_log_to_tickets


def _run(command: list[str], log_path: Path, timeout: float) -> float:
    """Run a command, its output to a file; seconds taken. Raises with the output's tail."""
    start = time.perf_counter()
    with log_path.open("w") as out:
        try:
            done = subprocess.run(
                command, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"{command[0]} did not finish within {timeout:.0f} s") from exc
    if done.returncode != 0:
        tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-20:])
        raise RuntimeError(f"{command[0]} exited with {done.returncode}:\n{tail}")
    return time.perf_counter() - start


def find_simod(simod: str | None = None) -> Path:
    """The simod executable: the argument, else $DESKMIX_SIMOD, else ``simod`` on PATH."""
    candidate = simod or os.environ.get(SIMOD_ENV) or shutil.which("simod")
    if not candidate or not Path(candidate).exists():
        raise FileNotFoundError(
            "no simod executable: install simod==5.2.1 in a virtual environment of its own "
            f"(see this module's docstring) and pass --simod PATH or set {SIMOD_ENV}"
        )
    if shutil.which("java") is None:
        raise FileNotFoundError("Simod needs a Java runtime on PATH (for Split Miner)")
    return Path(candidate)


@dataclass
class SimodRun:
    bpmn: Path
    parameters: Path
    simulated: pd.DataFrame  # case_id, activity, enable_time, start_time, end_time, resource
    discovery_s: float
    simulation_s: float


def discover(
    log: pd.DataFrame, workdir: Path, simod: Path, *, timeout: float = 1800
) -> tuple[Path, Path, float]:
    """Simod's one-shot discovery on ``log``; the BPMN model, the Prosimos JSON, seconds."""
    csv = workdir / "log.csv"
    log[SIMOD_COLUMNS].to_csv(csv, index=False, date_format="%Y-%m-%dT%H:%M:%S%z")
    output = workdir / "simod"
    seconds = _run(
        [str(simod), "--one-shot", "--event-log", str(csv), "--output", str(output)],
        workdir / "simod.out",
        timeout,
    )
    best = output / "best_result"
    return best / f"{csv.stem}.bpmn", best / f"{csv.stem}.json", seconds


def simulate(
    bpmn: Path,
    parameters: Path,
    *,
    cases: int,
    start: pd.Timestamp,
    workdir: Path,
    prosimos: Path,
    timeout: float = 1800,
) -> tuple[pd.DataFrame, float]:
    """Prosimos on Simod's model: the simulated log (times as UTC) and seconds taken."""
    out = workdir / "simulated.csv"
    seconds = _run(
        [
            str(prosimos),
            "start-simulation",
            "--bpmn_path",
            str(bpmn),
            "--json_path",
            str(parameters),
            "--total_cases",
            str(cases),
            "--log_out_path",
            str(out),
            "--stat_out_path",
            str(workdir / "simulation_stats.csv"),
            "--starting_at",
            start.isoformat(),
        ],
        workdir / "prosimos.out",
        timeout,
    )
    simulated = pd.read_csv(out)
    for column in ("enable_time", "start_time", "end_time"):
        simulated[column] = pd.to_datetime(simulated[column], utc=True, format="ISO8601")
    return simulated, seconds


def run_simod(
    log: pd.DataFrame,
    workdir: Path,
    *,
    simod: str | None = None,
    cases: int | None = None,
    timeout: float = 1800,
) -> SimodRun:
    """Discover with Simod and simulate as many cases as ``log`` has (or ``cases``)."""
    simod_path = find_simod(simod)
    prosimos = simod_path.with_name("prosimos")
    bpmn, parameters, discovery_s = discover(log, workdir, simod_path, timeout=timeout)
    simulated, simulation_s = simulate(
        bpmn,
        parameters,
        cases=cases or int(log["case_id"].nunique()),
        start=pd.Timestamp(log["start_time"].min()),
        workdir=workdir,
        prosimos=prosimos,
        timeout=timeout,
    )
    return SimodRun(bpmn, parameters, simulated, discovery_s, simulation_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=UCI_LOG)
    parser.add_argument("--simod", help=f"simod executable (default: ${SIMOD_ENV}, PATH)")
    parser.add_argument("--cases", type=int, help="first N incidents only (default: all)")
    parser.add_argument("--workdir", type=Path, help="keep Simod's files here")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per step")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from peers_logdistance import peer_distances, tickets_to_event_log

    log = uci_to_simod_log(args.data, max_cases=args.cases)
    print(f"event log: {log['case_id'].nunique()} cases, {len(log)} activity instances")
    with tempfile.TemporaryDirectory(prefix="simod-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        run = run_simod(log, workdir, simod=args.simod, timeout=args.timeout)
    print(f"Simod discovery {run.discovery_s:.0f} s, Prosimos simulation {run.simulation_s:.0f} s")
    print(f"simulated: {run.simulated['case_id'].nunique()} cases, {len(run.simulated)} events")

    started = time.perf_counter()
    activity_level = peer_distances(log, run.simulated)
    historical = tickets_to_event_log(simod_log_to_tickets(log))
    simulated = tickets_to_event_log(simulated_log_to_tickets(run.simulated))
    ticket_level = peer_distances(historical, simulated)
    print(f"distances ({time.perf_counter() - started:.0f} s):")
    for name in sorted(set(activity_level) | set(ticket_level)):
        a, t = activity_level.get(name), ticket_level.get(name)
        print(
            f"  {name:<26} activities {'-' if a is None else f'{a:10.3f}'}"
            f"   tickets {'-' if t is None else f'{t:10.3f}'}"
        )


if __name__ == "__main__":
    main()
