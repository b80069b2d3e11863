"""``deskmix validate``: the back-test, the history's team simulated and set beside history."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from deskmix.cli.common import (
    AcceptUnsteadyOption,
    DbOption,
    FromOption,
    ToOption,
    console,
    err_console,
    progress_bar,
    store_for,
    user_errors,
)
from deskmix.cli.output import CsvDir, XlsxFile, emit
from deskmix.validate.use_case import HOLDOUT, MAX_HOLDOUT, MAX_REPLICATIONS, REPLICATIONS

if TYPE_CHECKING:
    from deskmix.validate.output import BackTestOut, FigureOut, ValidationResult

# The back-test (pandas, NumPy, SciPy) loads with this command, for its defaults; never with
# `deskmix --help`.


def number(value: float | None, figure: str) -> str:
    """A figure's value in its own unit: shares as percentages, hours and counts as numbers."""
    if value is None or math.isnan(value):
        return "-"
    if figure in ("SLA attainment", "escalation share", "utilisation"):
        return f"{100 * value:.0f}%"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def mark(within: bool | None) -> str:
    return "-" if within is None else ("ok" if within else "MISS")


def desk_table(test: BackTestOut, sla_name: str = "") -> Table:
    """The whole desk: every figure, both sides, the verdict (fits 80 columns)."""
    table = Table(
        title=f"{test.label}: the desk (simulated mean ± 95% CI)",
        title_justify="left",
        caption=f"SLA attainment by SLA targets: {sla_name}" if sla_name else None,
        caption_justify="left",
    )
    table.add_column("figure", no_wrap=True)
    table.add_column("history", justify="right", no_wrap=True)
    table.add_column("simulated", justify="right", no_wrap=True)
    table.add_column("distance", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for f in test.figures:
        if f.scope != "all":
            continue
        simulated = number(f.simulated, f.figure)
        if f.half_width is not None and simulated != "-":
            simulated += f" ± {number(f.half_width, f.figure)}"
        table.add_row(
            f.figure,
            number(f.history, f.figure),
            simulated,
            number(f.distance, f.figure),
            mark(f.within),
        )
    return table


def scopes_table(test: BackTestOut, sla_name: str = "") -> Table:
    """Per priority and domain: volume, median resolution and SLA, history / simulated."""
    table = Table(
        title=f"{test.label}: per priority and domain (history / simulated)",
        title_justify="left",
        caption=f"SLA: attainment by SLA targets: {sla_name}" if sla_name else None,
        caption_justify="left",
    )
    for column in ("scope", "tickets/wk", "median h", "SLA", "ok"):
        table.add_column(column, justify="left" if column == "scope" else "right", no_wrap=True)
    by_scope: dict[str, dict[str, FigureOut]] = {}
    for f in test.figures:
        if f.scope != "all":
            by_scope.setdefault(f.scope, {})[f.figure] = f
    verdicts = test.within_by_scope()
    for scope, figures in by_scope.items():
        cells = []
        for name in ("tickets per week", "resolution median (h)", "SLA attainment"):
            found = figures.get(name)
            cells.append(
                "-"
                if found is None
                else f"{number(found.history, name)} / {number(found.simulated, name)}"
            )
        within, judged = verdicts.get(scope, (0, 0))
        ok = f"{within}/{judged}" if judged else "-"
        table.add_row(scope.removeprefix("domain:"), *cells, ok)
    return table


def print_result(result: ValidationResult, sla_name: str = "") -> None:
    team = result.team
    console.print(
        f"The history's team: {team.people} people seen over {team.weeks} weeks, "
        f"{team.median_headcount:g} at work in the median week; simulated as "
        f"{team.simulated_agents} agents ("
        + ", ".join(f"{n} {k}" for k, n in team.headcount.items())
        + (f"; MSP: {', '.join(team.msp)}" if team.msp else "")
        + f"), {team.on_shift_hours_per_week:,.0f} on-shift hours a week.",
        highlight=False,
    )
    for test in (result.full, result.holdout):
        if test is None:
            continue
        console.print(
            f"\n{test.label}: calibrated on {test.calibrated_from:%Y-%m-%d} to "
            f"{test.calibrated_to:%Y-%m-%d}, compared on {test.compared_from:%Y-%m-%d} to "
            f"{test.compared_to:%Y-%m-%d} ({test.tickets:,} tickets); policy {test.policy}: "
            f"{test.policy_reason}.",
            highlight=False,
        )
        console.print(desk_table(test, sla_name))
        console.print(scopes_table(test, sla_name))
        console.print(f"Verdict: {test.verdict}.", highlight=False)
        if test.largest:
            console.print("Largest discrepancies:")
            for f in test.largest:
                console.print(f"- {f.figure}, {f.scope}: {f.cause}", highlight=False)
    for note in result.notes:
        console.print(f"Note: {note}", highlight=False)


@user_errors
def validate_command(
    db: DbOption = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Only tickets of this source system.", show_default=False),
    ] = None,
    sla: Annotated[
        Path | None, typer.Option("--sla", help="SLA targets YAML; default ITIL-style targets.")
    ] = None,
    replications: Annotated[
        int,
        typer.Option("--replications", "--reps", min=2, max=MAX_REPLICATIONS, help="Replications."),
    ] = REPLICATIONS,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Same seed, same numbers.")] = 0,
    holdout: Annotated[
        float,
        typer.Option(
            "--holdout",
            min=0.0,
            max=MAX_HOLDOUT,
            help="Share of the period held out (by time); 0: none.",
        ),
    ] = HOLDOUT,
    timezone: Annotated[
        str, typer.Option("--timezone", help="The desk's time zone, for shifts and weeks.")
    ] = "UTC",
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Processes (default: one).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write a self-contained HTML report here.")
    ] = None,
    start: FromOption = None,
    end: ToOption = None,
    accept_unsteady: AcceptUnsteadyOption = False,
    csv_dir: CsvDir = None,
    xlsx: XlsxFile = None,
) -> None:
    """Back-test the model: rebuild the team that worked the stored tickets, simulate it on
    the calibrated workload and set its figures beside the history's, with verdicts.

    Compares tickets per week, resolution median and p90, SLA attainment, escalation share,
    backlog, tickets per agent and utilisation per priority and domain, with the earth mover's
    distance of resolution times, on the whole history and on a hold-out (the last 30% of the
    period by default). Example: deskmix validate --holdout 0.3 --report validate.html"""
    from deskmix.teamfiles import load_sla
    from deskmix.validate import ValidationRequest, run_validation

    request = ValidationRequest(
        source=source,
        sla=load_sla(sla),
        replications=replications,
        seed=seed,
        holdout=holdout,
        timezone=timezone,
        workers=workers,
        start=start.date() if start else None,
        end=end.date() if end else None,
        accept_unsteady=accept_unsteady,
    )
    store = store_for(db, create=False)
    try:
        with progress_bar() as bar:
            task = bar.add_task("back-test", total=None)

            def progress(phase: str, done: int, total: int | None) -> None:
                bar.update(task, description=phase, completed=done, total=total)

            result = run_validation(store, request, progress)
    finally:
        store.dispose()
    if not as_json:
        from deskmix.cli.simulate import sla_label

        print_result(result, sla_label(sla))
    emit(result, as_json, csv_dir, xlsx)
    if report is not None:
        from deskmix.reports.validation import write_validation_report

        path = write_validation_report(report, result)
        # With --json, stdout holds only the JSON.
        (err_console if as_json else console).print(f"Report written to {path.resolve()}")
