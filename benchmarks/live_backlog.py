"""Live routing with a backlog: does a routing decision get slower as tickets pile up in queues?

Run from the repository root with a PostgreSQL server reachable (default: ``$DESKMIX_TEST_PG``,
else ``postgresql+psycopg://postgres@127.0.0.1:5432/test``):

    .venv/bin/python benchmarks/live_backlog.py [--backlog 20000] [--routes 300]

What it does: makes a fresh schema (and a SQLite file), loads a one-person desk, times
``--routes`` route decisions one after another on the empty desk, queues ``--backlog`` tickets
(the one agent is busy, so they wait), then times ``--routes`` decisions again. It prints the
milliseconds per decision in-process (the desk's own routing thread and database round trips,
no HTTP) and the ratio to the empty desk. The desk is what ``deskmix serve`` runs per process.

Why: an outage is when queues grow, and when routing must stay quick. A batch used to count
every queued ticket (9 ms a decision at 20,000 queued on PostgreSQL); queue lengths are now
kept in the queue rows and a queue's head is read from an index.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import track
from rich.table import Table

from api_load import DEFAULT_PG, drop_schema, fresh_schema  # this folder: run as a script
from deskmix.domain.ticket import Tier
from deskmix.live import Desk
from deskmix.live.results import NewTicket
from deskmix.store import open_store
from deskmix.teamfiles import parse_team

TEAM = parse_team(
    """
name: one person
agents:
  - {name: Ann, kind: generalist, cost_per_hour: 30, skills: {end_user: 3, network: 3}}
"""
)


@contextmanager
def fresh_postgresql(url: str) -> Iterator[str]:
    """A fresh schema for the run (``api_load``'s helpers), dropped afterwards."""
    schema, schema_url = fresh_schema(url)
    try:
        yield schema_url
    finally:
        drop_schema(url, schema)


def ms_per_route(desk: Desk, routes: int, prefix: str) -> float:
    start = time.perf_counter()
    for n in range(routes):
        desk.route(NewTicket("end_user", Tier.GENERALIST, 3, key=f"{prefix}{n}"))
    return (time.perf_counter() - start) / routes * 1000


def measure(url: str, backlog: int, routes: int) -> tuple[float, float, float]:
    """Milliseconds per decision empty and with the backlog, and seconds to queue it."""
    store = open_store(url)
    desk = Desk(store)
    try:
        desk.load_team(TEAM, "generalist_first")
        empty = ms_per_route(desk, routes, "empty-")
        start = time.perf_counter()
        domains = ("end_user", "network")
        with ThreadPoolExecutor(16) as pool:
            queued = pool.map(
                lambda n: desk.route(NewTicket(domains[n % 2], Tier.GENERALIST, 3, key=f"q{n}")),
                range(backlog),
            )
            for _ in track(queued, total=backlog, description="queueing", transient=True):
                pass
        queueing = time.perf_counter() - start
        loaded = ms_per_route(desk, routes, "late-")
    finally:
        desk.close()
        store.dispose()
    return empty, loaded, queueing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL URL (a schema is made)")
    parser.add_argument("--backlog", type=int, default=20_000, help="tickets queued")
    parser.add_argument("--routes", type=int, default=300, help="decisions timed each time")
    args = parser.parse_args()
    table = Table(title=f"Route decisions, empty desk vs {args.backlog:,} queued tickets")
    for column in ("database", "empty ms", "backlog ms", "ratio", f"queueing {args.backlog:,} s"):
        table.add_column(column, justify="left" if column == "database" else "right")
    with tempfile.TemporaryDirectory() as tmp, fresh_postgresql(args.pg) as pg:
        for name, url in (("PostgreSQL", pg), ("SQLite", str(Path(tmp) / "live.db"))):
            empty, loaded, queueing = measure(url, args.backlog, args.routes)
            table.add_row(
                name, f"{empty:.2f}", f"{loaded:.2f}", f"{loaded / empty:.2f}x", f"{queueing:.1f}"
            )
    Console().print(table)


if __name__ == "__main__":
    main()
