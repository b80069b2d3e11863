"""ServiceNow incident exports (``deskmix import servicenow FILE``), one row per incident.

Reads a list export (CSV, CSV.gz or XLSX, system names or display labels as headers) or Table
API JSON. ServiceNow exports only the columns a user picked, so every column of the shipped
mapping is optional and fields without one stay empty; a column the user's own ``--mapping``
names must exist. An export without ``number`` gets content-derived ids (re-importing the same
rows adds nothing). Excel's ``_x000D_`` escapes in text become line breaks again.
"""

from __future__ import annotations

from pathlib import Path

from deskmix.errors import InputError
from deskmix.importers.base import ImportBatch
from deskmix.importers.mapping import load_mapping
from deskmix.importers.servicenow_read import (
    read_export,
    resolve_mapping,
    unescape_excel,
    utc_dates,
)
from deskmix.importers.tabular import build_tickets
from deskmix.importers.textfiles import file_hash

SOURCE = "servicenow"
# Without one of these a file is not an incident export at all.
IDENTIFYING = ("id", "title", "description")


def import_servicenow(
    path: Path,
    *,
    mapping_file: Path | None = None,
    encoding: str = "utf-8",
    delimiter: str | None = None,
) -> ImportBatch:
    path = Path(path)
    mapping = load_mapping(SOURCE, mapping_file)
    export = read_export(path, encoding=encoding, delimiter=delimiter)
    raw = export.frame
    resolved, absent = resolve_mapping(raw, mapping, source=SOURCE, path=path)
    if not any(f in resolved.columns for f in IDENTIFYING):
        wanted = ", ".join(mapping.columns.get(f, f) for f in IDENTIFYING)
        raise InputError(
            "no ServiceNow incident columns found",
            file=path,
            row=1,
            expected=f"at least one of: {wanted} (or display labels such as 'Short description')",
        )
    unescape_excel(
        raw, [resolved.columns[f] for f in ("title", "description") if f in resolved.columns]
    )
    tickets, unmapped = build_tickets(raw, utc_dates(resolved, export), source=SOURCE, path=path)
    notes: list[str] = []
    if "id" not in resolved.columns:
        notes.append(
            "no 'number' column: ticket ids are hashes of each row's content, so re-importing "
            "the same rows adds nothing"
        )
    if absent:
        notes.append(
            "columns not in the file, fields left empty: "
            + ", ".join(f"{f} ({mapping.columns[f]})" for f in absent)
        )
    notes += export.notes()
    return ImportBatch(
        source=mapping.source_system or SOURCE,
        path=path,
        file_hash=file_hash(path),
        rows_read=len(raw),
        tickets_frame=tickets,
        unmapped=unmapped,
        notes=notes,
    )
