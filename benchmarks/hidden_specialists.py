"""Hidden specialists: precision and recall on generated history, findings on the real logs.

Generated: the seeded desk of ``deskmix.people.generator`` (24 generalists, 6 specialists, 3
planted hidden specialists who draw an extra 30% of their tickets from one domain), once as one
service desk and once split into four desk teams, each with its own focus domain (25% extra),
the specialists planted inside a team in another domain: the hard case, where comparing with
the whole desk alone flags whole teams. A finding is right when it names a planted (person,
domain). Real: the UCI incident event log (resolvers x category) and BPIC'13 (resources x
product and x support team), imported with the standard importers into temporary stores;
the count of findings at the documented defaults, and the first three with their evidence.

Usage (from the repository root, ``../shared/data`` beside it for the real logs):
    .venv/bin/python benchmarks/hidden_specialists.py [--seeds 20] [--markdown]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from deskmix.people.generator import HistorySpec, generate_history
from deskmix.people.hidden import HiddenRule, find_hidden_specialists

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def generated(seeds: int, teams: int, hidden: int = 3) -> dict[str, float]:
    rule = HiddenRule()
    tp = fp = fn = 0
    for seed in range(seeds):
        world = generate_history(seed, HistorySpec(teams=teams, hidden=hidden))
        found = {(f.person, f.area) for f in find_hidden_specialists(world.history(), rule)}
        tp += len(found & world.planted)
        fp += len(found - world.planted)
        fn += len(world.planted - found)
    return {
        "planted": tp + fn,
        "found": tp + fp,
        "precision": tp / (tp + fp) if tp + fp else float("nan"),
        "recall": tp / (tp + fn) if tp + fn else float("nan"),
        "false": fp,
    }


def real_logs(folder: Path) -> list[tuple[str, str, int, list[str]]]:
    from deskmix.importers import read_source
    from deskmix.importers.servicenow_events import import_servicenow_events
    from deskmix.importers.writer import write_import
    from deskmix.people.review import ReviewSettings, review_skills
    from deskmix.store import open_store

    sources = {
        "UCI incident event log": lambda: import_servicenow_events(
            DATA / "uci-incident-event-log" / "incident_event_log.csv.gz"
        ),
        "BPIC'13 Volvo incidents": lambda: read_source(
            "bpic13", DATA / "bpic2013-volvo-vinst-ibm" / "VINST-new.csv"
        ),
    }
    axes = {
        "UCI incident event log": ("category", "group"),
        "BPIC'13 Volvo incidents": ("category", "group"),
    }
    out = []
    for name, read in sources.items():
        store = open_store(folder / f"{len(out)}.db")
        try:
            write_import(store, read())
            for by in axes[name]:
                review = review_skills(ReviewSettings(by=by), store=store)
                top = [
                    f"{f.person} / {f.area}: {f.evidence}; {f.next_step}"
                    for f in review.findings[:3]
                ]
                out.append((name, by, len(review.findings), top))
        finally:
            store.dispose()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    print(f"Generated history, seeds 0-{args.seeds - 1}, defaults ({HiddenRule()}):\n")
    print("| desk | planted | found | precision | recall | found with none planted |")
    print("|---|--:|--:|--:|--:|--:|")
    for teams, label in ((0, "one service desk"), (4, "four teams, planted inside a team")):
        got = generated(args.seeds, teams)
        null = generated(args.seeds, teams, hidden=0)
        print(
            f"| {label} | {got['planted']:.0f} | {got['found']:.0f} | {got['precision']:.2f} | "
            f"{got['recall']:.2f} | {null['found']:.0f} |"
        )
    if not DATA.is_dir():
        print(f"\n{DATA} not found: real logs skipped", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        rows = real_logs(Path(folder))
    print("\nReal logs (findings at the defaults, people active in the last 8 weeks):\n")
    print("| log | areas | findings | first three (evidence; next step) |")
    print("|---|---|--:|---|")
    for name, by, count, top in rows:
        print(f"| {name} | {by} | {count} | {'<br>'.join(top) or '-'} |")
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
