"""Cold start of the ``deskmix`` command: wall-clock seconds of fresh processes.

Run from the repository root:

    .venv/bin/python benchmarks/cold_start.py [--runs 5]

Each command runs ``--runs`` times as a new process of the ``deskmix`` script installed beside
this interpreter (``sys.executable``), the commands taking turns so that a change in the
machine's load falls on all of them alike; one untimed round first fills the file cache and
writes any missing bytecode. ``python -c pass`` is the interpreter's own start, the baseline of
the ratio. The predictions use the shipped default model. Targets: under 1 s for ``--help`` and
``--version``, under 2 s for a single prediction from cold. The exit code is 1 when a target is
missed. Other processes on the machine slow every figure: the load average is printed with the
table; note it beside any figure you keep (docs/benchmarks.md, "Cold start").
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

TICKETS = [
    "Outlook keeps asking for my password since this morning",
    "VPN disconnects every ten minutes when working from home",
    "Printer on the second floor is jammed and shows error 13.B2",
    "Cannot log in to SAP, account locked after password change",
    "Laptop screen flickers and goes black when unplugged",
    "Please create a mailbox for the new starter in finance",
    "Shared drive S: is not mapped after the Windows update",
    "Teams calls drop and the microphone is not detected",
    "Request access to the sales dashboard in Power BI",
    "Website returns 502 bad gateway for all customers",
    "Wi-Fi in meeting room 4 is very slow",
    "Excel crashes when opening the quarterly budget file",
    "Phone handset shows no service after the office move",
    "Database backup job failed overnight with disk full",
    "New monitor and docking station needed for a new desk",
]
SINGLE = "Outlook keeps asking for my password since this morning and I cannot read mail"
LINES = 100


@dataclass(frozen=True)
class Case:
    label: str
    argv: list[str]
    target: float | None  # seconds; None: no target (the baseline, the batch)


def cases(deskmix: Path, ticket_file: Path) -> list[Case]:
    return [
        Case("python -c pass (baseline)", [sys.executable, "-c", "pass"], None),
        Case("deskmix --version", [str(deskmix), "--version"], 1.0),
        Case("deskmix --help", [str(deskmix), "--help"], 1.0),
        Case("deskmix triage predict TEXT", [str(deskmix), "triage", "predict", SINGLE], 2.0),
        Case(
            f"deskmix triage predict --file ({LINES} l.)",
            [str(deskmix), "triage", "predict", "--file", str(ticket_file)],
            None,
        ),
    ]


def run_once(case: Case) -> float:
    start = time.perf_counter()
    done = subprocess.run(case.argv, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{case.label} failed (exit {done.returncode}):\n{done.stderr.strip()}")
    return seconds


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (default 5)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    deskmix = Path(sys.executable).parent / "deskmix"
    if not deskmix.exists():
        sys.exit(f"no deskmix script beside {sys.executable}: install the package first")
    package = subprocess.run(
        [sys.executable, "-c", "import deskmix; print(deskmix.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    with tempfile.TemporaryDirectory() as folder:
        ticket_file = Path(folder) / "tickets.txt"
        ticket_file.write_text(
            "\n".join(f"{TICKETS[i % len(TICKETS)]} (#{i + 1})" for i in range(LINES)) + "\n",
            encoding="utf-8",
        )
        todo = cases(deskmix, ticket_file)
        load_before = load()
        for case in todo:  # untimed: file cache and bytecode
            run_once(case)
        times: dict[str, list[float]] = {case.label: [] for case in todo}
        for _ in range(args.runs):
            for case in todo:
                times[case.label].append(run_once(case))
        load_after = load()

    baseline = statistics.median(times[todo[0].label])
    print(f"deskmix cold start: {args.runs} runs per command, {os.cpu_count()} cores")
    print(f"script {deskmix}")
    print(f"package {package}")
    print(f"load average (1, 5, 15 min): before {load_before}, after {load_after}")
    print()
    header = f"{'command':<41}{'median s':>9}{'max s':>7}{'x base':>7}{'target':>8}{'':>7}"
    print(header)
    print("-" * len(header))
    passed = True
    for case in todo:
        median = statistics.median(times[case.label])
        worst = max(times[case.label])
        target = f"<{case.target:g} s" if case.target is not None else ""
        verdict = ""
        if case.target is not None:
            ok = median < case.target
            passed &= ok
            verdict = "pass" if ok else "FAIL"
        ratio = median / baseline if baseline > 0 else float("nan")
        print(f"{case.label:<41}{median:>9.2f}{worst:>7.2f}{ratio:>6.1f}x{target:>8}{verdict:>7}")
    print()
    print("Targets are judged on the median; max shows the spread on this machine.")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
