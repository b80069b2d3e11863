"""Import speed and memory on the public datasets, against ``pandas.read_csv`` of the same file.

Run from the repository root (needs ../shared/data beside the repo):

    .venv/bin/python benchmarks/import_bench.py [--repeat 3]

Each measurement runs in a fresh child process so peak memory (max RSS) is the import's own.
The deskmix figure is the whole import: read, parse, validate, map and write into a new SQLite
store in one transaction. The ratio is deskmix time / pandas.read_csv time (lower is better);
the target for the UCI event log is at most 4x with peak memory under 1 GiB.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"


@dataclass(frozen=True)
class Dataset:
    label: str
    source: str
    file: str
    mapping: str | None = None
    read_csv_kwargs: str = ""


DATASETS = [
    Dataset(
        "UCI incident event log",
        "servicenow-events",
        "uci-incident-event-log/incident_event_log.csv.gz",
    ),
    Dataset("BPIC'13 Volvo incidents", "bpic13", "bpic2013-volvo-vinst-ibm/VINST-new.csv"),
    Dataset(
        "Kaggle IT ticket topics",
        "csv",
        "it-service-ticket-topics-kaggle/all_tickets_processed_improved_v3.csv",
        "examples/mappings/kaggle-topics.yaml",
    ),
    Dataset(
        "ServiceNow assignment",
        "servicenow",
        "servicenow-ticket-assignment/input_data.csv",
        "examples/mappings/servicenow-assignment.yaml",
    ),
]

PANDAS_CHILD = """
import json, resource, sys, time
import pandas as pd
start = time.perf_counter()
frame = pd.read_csv(sys.argv[1])
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rows": len(frame),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

DESKMIX_CHILD = """
import json, resource, sys, time
from pathlib import Path
from deskmix.importers import read_source
from deskmix.importers.writer import write_import
from deskmix.store import open_store
source, path, mapping, db = sys.argv[1], Path(sys.argv[2]), sys.argv[3] or None, sys.argv[4]
store = open_store(db)
start = time.perf_counter()
batch = read_source(source, path, mapping_file=Path(mapping) if mapping else None)
read_done = time.perf_counter()
outcome = write_import(store, batch)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "read_seconds": read_done - start,
                  "tickets": outcome.tickets_added, "events": outcome.events_added,
                  "rows": batch.rows_read,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _child(code: str, *args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args()
    if not DATA.is_dir():
        raise SystemExit("the public datasets (../shared/data) are not present beside the repo")
    console = Console(width=150)
    table = Table(title=f"Import into SQLite vs pandas.read_csv (median of {args.repeat})")
    for column in (
        "dataset",
        "rows",
        "tickets",
        "events",
        "read_csv s",
        "deskmix s",
        "deskmix rows/s",
        "ratio",
        "peak MiB",
    ):
        table.add_column(column, justify="left" if column == "dataset" else "right")
    for dataset in DATASETS:
        path = DATA / dataset.file
        if not path.exists():
            console.print(f"[yellow]skip {dataset.label}: {path.name} absent[/]")
            continue
        pandas_runs = [_child(PANDAS_CHILD, str(path)) for _ in range(args.repeat)]
        deskmix_runs = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                mapping = str(REPO / dataset.mapping) if dataset.mapping else ""
                deskmix_runs.append(
                    _child(DESKMIX_CHILD, dataset.source, str(path), mapping, f"{tmp}/bench.db")
                )
        pandas_s = statistics.median(r["seconds"] for r in pandas_runs)
        deskmix_s = statistics.median(r["seconds"] for r in deskmix_runs)
        last = deskmix_runs[-1]
        table.add_row(
            dataset.label,
            f"{int(last['rows']):,}",
            f"{int(last['tickets']):,}",
            f"{int(last['events']):,}",
            f"{pandas_s:.2f}",
            f"{deskmix_s:.2f}",
            f"{last['rows'] / deskmix_s:,.0f}",
            f"{deskmix_s / pandas_s:.2f}x",
            f"{max(r['peak_mb'] for r in deskmix_runs):,.0f}",
        )
    console.print(table)


if __name__ == "__main__":
    main()
