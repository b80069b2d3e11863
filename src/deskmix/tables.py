"""Tables a result model hands over for spreadsheets: ``--csv DIR`` and ``--xlsx FILE``.

A result model's ``tables()`` returns ``{name: rows}``, each row a flat ``{column: value}`` with
full-precision numbers (no rounding: that is the terminal's job). Every table becomes one CSV
file ``DIR/<name>.csv`` and one worksheet of the workbook, columns in the order of the first
row. openpyxl is imported only when a workbook is written.
"""

from __future__ import annotations

import csv
from pathlib import Path

Cell = str | int | float | bool | None
Row = dict[str, Cell]
Tables = dict[str, list[Row]]


def _columns(rows: list[Row]) -> list[str]:
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    return columns


def write_csv_dir(tables: Tables, folder: Path) -> list[Path]:
    """One UTF-8 CSV per table in ``folder`` (created); empty cells for missing values."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, rows in tables.items():
        path = folder / f"{name}.csv"
        columns = _columns(rows)
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        written.append(path)
    return written


def sheet_title(name: str) -> str:
    """Excel allows 31 characters and none of ``[]:*?/\\`` in a sheet's name."""
    for bad in "[]:*?/\\":
        name = name.replace(bad, "_")
    return name[:31]


def write_xlsx(tables: Tables, path: Path) -> Path:
    """One worksheet per table, a bold header row, numbers as numbers (full precision)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(sheet_title(name))
        columns = _columns(rows)
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row.get(column) for column in columns])
        sheet.freeze_panes = "A2"
    if not tables:
        book.create_sheet("empty")
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def read_xlsx(path: Path) -> Tables:
    """The tables of a workbook written by ``write_xlsx`` (tests, ``deskmix compare``)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    out: Tables = {}
    for sheet in book.worksheets:
        values = list(sheet.iter_rows(values_only=True))
        if not values:
            continue
        header = [str(c) for c in values[0]]
        out[sheet.title] = [dict(zip(header, row, strict=True)) for row in values[1:]]
    book.close()
    return out
