"""``deskmix compare``: saved simulation or plan results side by side, with differences."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from deskmix.cli.common import console, err_console, user_errors
from deskmix.cli.output import CsvDir, JsonFlag, XlsxFile, emit


@user_errors
def compare_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Saved results: the JSON of 'deskmix simulate --json' or 'deskmix plan --json'.",
            exists=True,
            dir_okay=False,
        ),
    ],
    report: Annotated[
        Path | None, typer.Option("--report", help="Write a self-contained HTML report here.")
    ] = None,
    as_json: JsonFlag = False,
    csv_dir: CsvDir = None,
    xlsx: XlsxFile = None,
) -> None:
    """Put saved simulation or plan results side by side, with differences and intervals.

    The first run is the baseline; each other run's KPIs are set beside it with the
    difference and its 95% interval (Welch, from the two runs' replication means and standard
    errors; docs/architecture.md, "Comparing saved runs"). Example: deskmix simulate ... --json
    > a.json; deskmix simulate ... --json > b.json; deskmix compare a.json b.json"""
    from deskmix.compare import compare_files
    from deskmix.reports.comparison import display_rows

    result = compare_files(files)
    emit(result, as_json, csv_dir, xlsx)
    say = err_console if as_json else console
    if not as_json:
        # One narrow table per run against the baseline: fits an 80-column terminal however
        # many runs are compared (the report and the dashboard show them all side by side).
        _, rows = display_rows(result)
        for run in result.runs[1:]:
            # The title names both runs; the headers stay short so no name is cut.
            table = Table(
                title=f"run: {run.label}\nbaseline: {result.baseline}\n(mean ± 95% CI)",
                box=box.SIMPLE_HEAD,
            )
            table.add_column("KPI", no_wrap=True)
            table.add_column("baseline", justify="right", no_wrap=True)
            table.add_column("run", justify="right", no_wrap=True)
            table.add_column("difference [95% CI]", justify="right", no_wrap=True)
            for row in rows:
                table.add_row(
                    row["KPI (mean ± 95% CI)"],
                    row[result.baseline],
                    row[run.label],
                    row[f"{run.label} vs baseline"],
                )
            console.print(table)
        console.print(
            f"Differences: {result.method} Shares differ in percentage points; '*': the "
            "interval excludes zero.",
            highlight=False,
        )
        for note in result.notes:
            console.print(f"- {note}", highlight=False)
    if report is not None:
        from deskmix.reports.comparison import write_comparison_report

        path = write_comparison_report(report, result)
        say.print(f"Report written to {path.resolve()}", highlight=False)
