"""``--json``, ``--csv DIR`` and ``--xlsx FILE``: the same result model for every command.

``--json`` prints the model (full precision) and nothing else on stdout, so it pipes into a
file or ``jq``; messages about files written then go to stderr. The terminal tables round;
these do not.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Protocol

import typer

from deskmix.cli.common import console, err_console

if TYPE_CHECKING:
    from deskmix.tables import Tables

JsonFlag = Annotated[
    bool,
    typer.Option("--json", help="Print the result as JSON (full precision; docs/schemas/)."),
]
CsvDir = Annotated[
    Path | None,
    typer.Option(
        "--csv",
        help="Write the result's tables as CSV files into this folder (full precision).",
        show_default=False,
    ),
]
XlsxFile = Annotated[
    Path | None,
    typer.Option(
        "--xlsx",
        help="Write the result's tables to this Excel workbook, one sheet each.",
        show_default=False,
    ),
]


class Output(Protocol):
    def model_dump_json(self, *, indent: int | None = None) -> str: ...

    def tables(self) -> Tables: ...


def emit(result: Output, as_json: bool, csv_dir: Path | None, xlsx: Path | None) -> None:
    """Print the JSON when asked and write the spreadsheets; say where (stderr under --json)."""
    from deskmix.tables import write_csv_dir, write_xlsx

    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    say = err_console if as_json else console
    if csv_dir is not None or xlsx is not None:
        tables = result.tables()
        if csv_dir is not None:
            written = write_csv_dir(tables, csv_dir)
            folder = csv_dir.resolve()
            say.print(f"CSV tables ({len(written)}) written to {folder}", highlight=False)
        if xlsx is not None:
            path = write_xlsx(tables, xlsx)
            say.print(f"Workbook written to {path.resolve()}", highlight=False)
