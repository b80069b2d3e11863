"""``deskmix demo``: the embedded sample desk imported, calibrated and reported, offline."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from deskmix.cli.calibrate import print_result
from deskmix.cli.common import console, progress_bar, user_errors
from deskmix.cli.plan_tables import designs_table
from deskmix.cli.simulate import results_table
from deskmix.sample import DB_FILE

if TYPE_CHECKING:
    from deskmix.sample.demo import DemoOutcome
    from deskmix.validate import ValidationResult


def _run(out: Path, db: str | None) -> DemoOutcome:
    from deskmix.plan.request import DEFAULT_SLA_NAME
    from deskmix.sample.demo import run_demo

    console.print(
        "Importing the sample desk, calibrating it, simulating its team, planning the cheapest "
        "team and writing reports..."
    )
    with progress_bar() as progress:
        task = progress.add_task("starting", total=None)

        def report(phase: str, done: int, total: int | None) -> None:
            progress.update(task, description=phase, completed=done, total=total)

        demo = run_demo(out, db, report)
    outcome = demo.outcome
    if outcome.already_imported:
        console.print(
            f"The sample was already in {demo.db} (import #{outcome.import_id}); using it.",
            highlight=False,
        )
    else:
        console.print(
            f"Imported the sample desk into {demo.db}: {outcome.tickets_added:,} tickets, "
            f"{outcome.events_added:,} events.",
            highlight=False,
        )
    if outcome.tickets_skipped and not outcome.already_imported:
        console.print(
            f"  note: {outcome.tickets_skipped:,} sample tickets were already stored under the "
            "same numbers and were kept as they were; the calibration below leaves them out.",
            highlight=False,
        )
    print_result(demo.result, demo.workload_path, [])
    console.print(results_table(demo.simulation, "The sample team, simulated", DEFAULT_SLA_NAME))
    if demo.validation is not None:
        print_verdicts(demo.validation)
    if demo.plan is not None:
        plan = demo.plan.plan
        rows = [
            ("recommended", plan.evaluation),
            ("  fresh seed", plan.verification),
            *demo.plan.compared,
        ]
        console.print(
            designs_table(
                rows,
                f"Plan: the cheapest team ({len(plan.log)} designs)",
                f"SLA targets: {demo.plan.sla_name}",
            )
        )
        console.print(f"Recommended: {plan.recommended.label()}", highlight=False)
        for reason in plan.reasons[:4]:
            console.print(f"- {reason}", highlight=False)
        if demo.plan.projects is not None:
            from deskmix.projects.kpis import project_table

            console.print(project_table(demo.plan.projects.before), highlight=False)
            for line in demo.plan.projects.lines():
                console.print(f"- {line}", highlight=False)
        console.print(f"Plan report written to {demo.plan.path}", highlight=False)
    console.print(
        f"Team written to {demo.team_path}; try: deskmix simulate --team {demo.team_path} "
        f"--workload {demo.workload_path} --load 1.5",
        highlight=False,
    )
    console.print(f"Report written to {demo.report_path}", highlight=False)
    console.print("Open it in a browser; it needs no network.", highlight=False)
    return demo


def demo(
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="Folder for the store, workload.yaml, team.yaml and report.html."
        ),
    ] = Path("deskmix-demo"),
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help=f"Database to import the sample into (SQLite path or URL). Default: a fresh "
            f"{DB_FILE} in the --out folder, replaced on every run.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Try deskmix on the embedded sample desk, offline.

    The sample is a fictional 300-person company over 13 weeks: the demo imports it into a
    fresh store, calibrates a workload, simulates the company's team (and load +30%, and
    skills-based routing), plans the cheapest team that meets business-hour SLAs, and writes
    workload.yaml, team.yaml and two self-contained reports, report.html and plan.html."""
    user_errors(_run)(out, db)


def print_verdicts(result: ValidationResult) -> None:
    """The back-test in a few lines: the team the history shows and each part's verdict."""
    team = result.team
    console.print(
        f"Back-test: the sample's history shows {team.simulated_agents} people at work in a "
        f"typical week ({', '.join(f'{n} {g}' for g, n in team.headcount.items())}).",
        highlight=False,
    )
    for test in (result.full, result.holdout):
        if test is None:
            continue
        console.print(f"  {test.label}: {test.verdict}", highlight=False)
        for f in test.largest[:2]:
            console.print(f"  - {f.figure}, {f.scope}: {f.cause}", highlight=False)
    console.print("  (deskmix validate shows every figure; docs/validate.md explains them)")
