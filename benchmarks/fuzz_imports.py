"""Fuzz every importer with mutated exports and count the outcomes (issue 19).

Run from the repository root:

    .venv/bin/python benchmarks/fuzz_imports.py [--cases 10000] [--seed 1] [--timeout 20]
        [--jobs 2] [--only jira,zendesk]

For each importer it draws ``--cases`` lists of one to three mutations, shared evenly among the
importer's exports in ``tests/importers/fuzzing.py`` (two each for ServiceNow, Jira,
Freshservice and GLPI), imports each result into a SQLite store of that export's own, and
counts: clean refusal (an ``InputError``, store unchanged), success (no
value stored that the source lacks), traceback (any other exception), hang (longer than
``--timeout`` seconds), store changed (a refusal that left the store different) and invented
(a success storing a value the source does not hold). Target: zero in the last four columns.
The first few failures of each kind are printed with the mutations that replay them. Each
export draws from its own random stream (``--seed`` and the export's name), so a run replays
the same cases whatever ``--jobs`` or ``--only`` say.
"""

from __future__ import annotations

import argparse
import multiprocessing
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


class HangError(BaseException):
    """A case ran past the time limit (a BaseException, so the importer's own ``except
    Exception`` in ``run_case`` cannot count it as a traceback)."""


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise HangError


def _steps(seed: Seed, rng: random.Random) -> list[tuple[str, int]]:
    names = sorted(operations(seed))
    return [(rng.choice(names), rng.randrange(2**20)) for _ in range(rng.randint(1, 3))]


def fuzz(seed: Seed, cases: int, rng_seed: int, timeout: int) -> tuple[Counter[str], list[str]]:
    """Run one export's cases in this process; the counts and the first failures."""
    signal.signal(signal.SIGALRM, _alarm)
    rng = random.Random(f"{rng_seed}:{seed.name}")
    counts: Counter[str] = Counter()
    failures: list[str] = []
    shown: Counter[str] = Counter()
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
                failures.append(f"{seed.name}: {outcome} {detail} <- {steps}")
        store.dispose()
    return counts, failures


def _cases_per_export(per_importer: int, seeds: list[Seed]) -> dict[str, int]:
    exports = Counter(seed.source for seed in SEEDS)
    return {seed.name: -(-per_importer // exports[seed.source]) for seed in seeds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases per importer")
    parser.add_argument("--seed", type=int, default=1, help="random seed (replays a run)")
    parser.add_argument("--timeout", type=int, default=20, help="seconds before a case hangs")
    parser.add_argument("--jobs", type=int, default=1, help="exports fuzzed at once")
    parser.add_argument("--only", default="", help="comma-separated importers (default: all)")
    args = parser.parse_args()
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    seeds = [seed for seed in SEEDS if not wanted or seed.source in wanted]
    if not seeds:
        sys.exit(f"--only: no importer named {args.only!r}")
    cases = _cases_per_export(args.cases, seeds)
    results: dict[str, Counter[str]] = {}
    started = time.perf_counter()
    with (
        Progress(
            TextColumn("{task.description:>18}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress,
        multiprocessing.get_context("fork").Pool(args.jobs) as pool,
    ):
        task = progress.add_task("exports", total=len(seeds))
        pending = {
            seed.name: pool.apply_async(fuzz, (seed, cases[seed.name], args.seed, args.timeout))
            for seed in seeds
        }
        for name, result in pending.items():
            counts, failures = result.get()
            results[name] = counts
            for line in failures:
                progress.console.print(f"[red]{line}[/]")
            progress.advance(task)
    table = Table(title=f"{args.cases:,} cases per importer, seed {args.seed}")
    table.add_column("export")
    table.add_column("importer")
    labels = {"refusal": "clean refusal"}
    for outcome in OUTCOMES:
        table.add_column(labels.get(outcome, outcome), justify="right")
    for seed in seeds:
        counts = results[seed.name]
        table.add_row(seed.name, seed.source, *(f"{counts[o]:,}" for o in OUTCOMES))
    total: Counter[str] = sum(results.values(), Counter())
    table.add_row("total", "", *(f"{total[o]:,}" for o in OUTCOMES))
    console.print(table)
    importers = Table(title="per importer")
    importers.add_column("importer")
    importers.add_column("cases", justify="right")
    importers.add_column("not clean", justify="right")
    for source in dict.fromkeys(seed.source for seed in seeds):
        merged: Counter[str] = sum(
            (results[s.name] for s in seeds if s.source == source), Counter()
        )
        bad = sum(n for o, n in merged.items() if o not in ("refusal", "success"))
        importers.add_row(source, f"{sum(merged.values()):,}", f"{bad:,}")
    console.print(importers)
    console.print(f"{time.perf_counter() - started:,.0f} s")


if __name__ == "__main__":
    main()
