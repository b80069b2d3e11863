"""Fuzz every importer with mutated exports and count the outcomes (issue 19).

Run from the repository root:

    .venv/bin/python benchmarks/fuzz_imports.py [--cases 10000] [--seed 1] [--timeout 20]

For each export in ``tests/importers/fuzzing.py`` (two each for ServiceNow and Jira) it draws
``--cases`` lists of one to three mutations, imports each result into a SQLite store of that
export's own, and counts: clean refusal (an ``InputError``, store unchanged), success (no
value stored that the source lacks), traceback (any other exception), hang (longer than
``--timeout`` seconds), store changed (a refusal that left the store different) and invented
(a success storing a value the source does not hold). Target: zero in the last four columns.
The first few failures of each kind are printed with the mutations that replay them.
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import FrameType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.importers.fuzzing import (  # noqa: E402
    OUTCOMES,
    SEEDS,
    Seed,
    mutate,
    operations,
    run_case,
)

from deskmix.store import open_store  # noqa: E402

console = Console(width=None if sys.stdout.isatty() else 120)


class HangError(Exception):
    """A case ran past the time limit."""


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise HangError


def _steps(seed: Seed, rng: random.Random) -> list[tuple[str, int]]:
    names = sorted(operations(seed))
    return [(rng.choice(names), rng.randrange(2**20)) for _ in range(rng.randint(1, 3))]


def fuzz(
    seed: Seed, cases: int, rng: random.Random, timeout: int, progress: Progress
) -> Counter[str]:
    counts: Counter[str] = Counter()
    shown: Counter[str] = Counter()
    task = progress.add_task(seed.name, total=cases)
    with tempfile.TemporaryDirectory() as work:
        workdir = Path(work)
        store = open_store(workdir / "fuzz.db")
        for _ in range(cases):
            steps = _steps(seed, rng)
            signal.alarm(timeout)
            try:
                outcome, detail = run_case(seed, mutate(seed, steps), store, workdir)
            except HangError:
                outcome, detail = "hang", f"over {timeout} s"
            finally:
                signal.alarm(0)
            counts[outcome] += 1
            if outcome not in ("refusal", "success") and shown[outcome] < 3:
                shown[outcome] += 1
                progress.console.print(f"[red]{seed.name}: {outcome}[/] {detail} <- {steps}")
            progress.advance(task)
        store.dispose()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases per export")
    parser.add_argument("--seed", type=int, default=1, help="random seed (replays a run)")
    parser.add_argument("--timeout", type=int, default=20, help="seconds before a case hangs")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    rng = random.Random(args.seed)
    results: dict[str, Counter[str]] = {}
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description:>18}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        for seed in SEEDS:
            results[seed.name] = fuzz(seed, args.cases, rng, args.timeout, progress)
    table = Table(title=f"{args.cases:,} cases per export, seed {args.seed}")
    table.add_column("export")
    labels = {"refusal": "clean refusal"}
    for outcome in OUTCOMES:
        table.add_column(labels.get(outcome, outcome), justify="right")
    for name, counts in results.items():
        table.add_row(name, *(f"{counts[o]:,}" for o in OUTCOMES))
    total: Counter[str] = sum(results.values(), Counter())
    table.add_row("total", *(f"{total[o]:,}" for o in OUTCOMES))
    console.print(table)
    console.print(f"{time.perf_counter() - started:,.0f} s")


if __name__ == "__main__":
    main()
