"""``deskmix calibrate``: fit a workload from the stored history, save YAML, print and chart it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from deskmix.calibrate import CalibrationResult

# Calibration (pandas, SciPy) is imported when it runs, not whenever deskmix starts.
from deskmix.cli.common import (
    AcceptUnsteadyOption,
    DbOption,
    FromOption,
    ToOption,
    console,
    progress_bar,
    store_for,
    user_errors,
)
from deskmix.cli.narrow import NarrowTable
from deskmix.cli.output import CsvDir, JsonFlag, XlsxFile, emit

NUMERIC = {"tickets", "share", "per_week", "escalation_rate", "fcr_rate"}
WRAPPED = {"generalist_handling", "specialist_handling"}  # "KS 0.06, pooled" may wrap


def print_result(result: CalibrationResult, out: Path, charts: list[Path]) -> None:
    from deskmix.calibrate.effort import capacity_text
    from deskmix.calibrate.summary import SUMMARY_COLUMNS, format_cell, handling_bases

    workload = result.workload
    period = (
        f"{workload.period_start:%Y-%m-%d} to {workload.period_end:%Y-%m-%d} "
        f"({workload.weeks:.1f} weeks)"
        if workload.period_start and workload.period_end and workload.weeks
        else "no period (no opening times)"
    )
    table = NarrowTable(
        title=f"{workload.name}: {workload.tickets:,} tickets, "
        f"{workload.tickets_per_week:,.1f} per week, {period}",
        caption="Gen/spec: % of tickets per tier. Hours: handling mean/p90, the chosen family "
        "(lowest AIC) and its Kolmogorov-Smirnov statistic.",
        box=None,
        pad_edge=False,
        padding=(0, 1, 0, 0),
        header_style="bold underline",
    )
    for key, header in SUMMARY_COLUMNS:
        table.add_column(
            header,
            justify="right" if key in NUMERIC else "left",
            key=key == "domain",
            wrap=key in WRAPPED,
        )
    for row in result.summary_rows():
        table.add_row(*(format_cell(key, row[key]) for key, _ in SUMMARY_COLUMNS))
    console.print(table)
    for basis, cells in handling_bases(workload).items():
        console.print(f"Handling basis ({cells}): {basis}.", highlight=False)
    for h in workload.handling:
        if h.status_time_mean_hours is not None:
            console.print(
                f"  {h.domain} x {h.tier.value}: effort mean {h.mean_hours:.2f} h; time in "
                f"a working status (office hours) {h.status_time_mean_hours:.2f} h",
                highlight=False,
            )
    if result.effort is not None:
        weeks = (workload.period_start, workload.period_end)
        console.print(f"Capacity: {capacity_text(result.effort, *weeks)}.", highlight=False)
    if workload.missing:
        console.print("[bold]Missing or defaulted[/]:")
        for line in workload.missing:
            console.print(f"  - {line}", highlight=False, markup=False)
    console.print(f"Workload written to {out}", highlight=False)
    for path in charts:
        console.print(f"Chart written to {path}", highlight=False)


def run_calibrate(
    db: str | None,
    source: str | None,
    import_id: int | None,
    out: Path,
    charts: Path | None,
    name: str | None,
    timezone: str,
    statuses: Path | None,
    work_hours: str | None = None,
    start: date | None = None,
    end: date | None = None,
    accept_unsteady: bool = False,
    as_json: bool = False,
    csv_dir: Path | None = None,
    xlsx: Path | None = None,
) -> CalibrationResult:
    from deskmix.calibrate.io import save_workload
    from deskmix.calibrate.use_case import CalibrateRequest, calibrate_desk
    from deskmix.reports.charts.calibration import write_charts

    request = CalibrateRequest(
        source=source,
        import_id=import_id,
        name=name,
        timezone=timezone,
        statuses=statuses,
        work_hours=work_hours,
        start=start,
        end=end,
        accept_unsteady=accept_unsteady,
    )
    store = store_for(db, create=False)
    try:
        with progress_bar() as progress:
            task = progress.add_task("reading the store", total=None)

            def report(phase: str, done: int, total: int | None) -> None:
                progress.update(task, description=phase, completed=done, total=total)

            result = calibrate_desk(request, store, report)
    finally:
        store.dispose()
    save_workload(result.workload, out)
    written = write_charts(result, charts) if charts is not None else []
    if not as_json:  # with --json, stdout holds only the JSON
        print_result(result, out, written)
    if as_json or csv_dir is not None or xlsx is not None:
        from deskmix.calibrate.output import calibration_output

        emit(calibration_output(result, out), as_json, csv_dir, xlsx)
    return result


def calibrate(
    db: DbOption = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="Only tickets of this source system (servicenow, jira, zendesk, bpic13, csv...).",
            show_default=False,
        ),
    ] = None,
    import_id: Annotated[
        int | None,
        typer.Option("--import-id", help="Only tickets of this import number.", show_default=False),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Where to write the workload YAML.")
    ] = Path("workload.yaml"),
    charts: Annotated[
        Path | None,
        typer.Option(
            "--charts",
            help="Folder for the charts (arrivals.html, handling.html and one local "
            "plotly-basic.min.js; they open offline).",
            show_default=False,
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", help="Name of the workload.", show_default=False),
    ] = None,
    timezone: Annotated[
        str,
        typer.Option("--timezone", help="Zone for the hour-of-week shapes (IANA name)."),
    ] = "UTC",
    statuses: Annotated[
        Path | None,
        typer.Option(
            "--statuses",
            help="YAML of extra event status names (working/waiting/done per source), added "
            "to the built-in list used to measure touch time.",
            show_default=False,
        ),
    ] = None,
    work_hours: Annotated[
        str | None,
        typer.Option(
            "--work-hours",
            help="The desk's hours, in which effort accrues (a status left 'Active' overnight "
            "is not a night of work): e.g. 'mon-fri 08-18', 'mon-sat 07-20', or 'always'. "
            "Default: each agent's shift, read from when their events happen.",
            show_default=False,
        ),
    ] = None,
    start: FromOption = None,
    end: ToOption = None,
    accept_unsteady: AcceptUnsteadyOption = False,
    as_json: JsonFlag = False,
    csv_dir: CsvDir = None,
    xlsx: XlsxFile = None,
) -> None:
    """Fit a workload (arrivals, handling times, escalation) from the stored tickets.

    Arrivals by hour of week per domain x tier x priority; handling-time distributions chosen
    by AIC among exponential, lognormal, gamma and Weibull, with the KS statistic as goodness of
    fit; escalation, first-contact resolution and reopen rates. Writes editable YAML and, with
    --charts, HTML charts. A history that is not a steady state (fewer than 4 weeks, or a burst
    of tickets at its start or end, as in extracts) is refused with the weeks to pass to
    --from/--to. --json prints the summary and the workload (docs/schemas/calibration.json);
    --csv/--xlsx write its per-domain tables. Example: deskmix calibrate --out workload.yaml
    --charts charts/"""
    user_errors(run_calibrate)(
        db,
        source,
        import_id,
        out,
        charts,
        name,
        timezone,
        statuses,
        work_hours,
        start.date() if start is not None else None,
        end.date() if end is not None else None,
        accept_unsteady,
        as_json,
        csv_dir,
        xlsx,
    )
