"""Any CSV or XLSX export, described by a YAML column mapping (``deskmix import csv``)."""

from __future__ import annotations

from pathlib import Path

from deskmix.importers.base import ImportBatch
from deskmix.importers.mapping import load_mapping
from deskmix.importers.readers import read_table
from deskmix.importers.tabular import build_tickets
from deskmix.importers.textfiles import file_hash

SOURCE = "csv"


def import_csv(
    path: Path,
    *,
    mapping_file: Path | None = None,
    encoding: str = "utf-8",
    delimiter: str | None = None,
) -> ImportBatch:
    mapping = load_mapping(SOURCE, mapping_file)
    raw = read_table(path, encoding=encoding, delimiter=delimiter)
    tickets, unmapped = build_tickets(raw, mapping, source=SOURCE, path=path)
    notes = []
    if not mapping.columns:
        notes.append("the mapping names no columns; only content-derived ids were imported")
    return ImportBatch(
        source=mapping.source_system or SOURCE,
        path=path,
        file_hash=file_hash(path),
        rows_read=len(raw),
        tickets_frame=tickets,
        unmapped=unmapped,
        notes=notes,
    )
