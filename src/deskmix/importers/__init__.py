"""Importers: one module per source system, all ending in the same ``ImportBatch``.

``IMPORTERS`` is the registry the CLI and API build their commands from; a new source adds
one module and one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from collections.abc import Callable

    from deskmix.importers.base import ImportBatch

    ImportFunction = Callable[..., ImportBatch]


@dataclass(frozen=True)
class ImporterSpec:
    """A source: where its reader lives and one line of help for the CLI.

    The reader is named, not imported: the registry is read whenever the CLI starts (to list
    the sources), and importing every reader (pandas, openpyxl) would slow every command.
    """

    name: str
    reader: str
    help: str
    needs_mapping: bool = False

    def read(self, path: Path, **options: object) -> ImportBatch:
        module, function = self.reader.split(":")
        reader = cast("ImportFunction", getattr(import_module(module), function))
        return reader(path, **options)


IMPORTERS: dict[str, ImporterSpec] = {
    "csv": ImporterSpec(
        "csv",
        "deskmix.importers.csv_generic:import_csv",
        "Any CSV or XLSX export, described by a YAML column mapping (--mapping).",
        needs_mapping=True,
    ),
    "servicenow": ImporterSpec(
        "servicenow",
        "deskmix.importers.servicenow:import_servicenow",
        "ServiceNow incidents, one row each: list export (CSV/XLSX) or Table API JSON.",
    ),
    "servicenow-events": ImporterSpec(
        "servicenow-events",
        "deskmix.importers.servicenow_events:import_servicenow_events",
        "ServiceNow incident event log (one row per update, e.g. the UCI incident log).",
    ),
    "jira": ImporterSpec(
        "jira",
        "deskmix.importers.jira:import_jira",
        "Jira Service Management: issue search JSON (with changelog: events) or CSV export.",
    ),
    "zendesk": ImporterSpec(
        "zendesk",
        "deskmix.importers.zendesk:import_zendesk",
        "Zendesk incremental ticket export JSON, with ticket metrics (include=metric_sets).",
    ),
    "freshservice": ImporterSpec(
        "freshservice",
        "deskmix.importers.freshservice:import_freshservice",
        "Freshservice tickets: REST API v2 JSON (with include=stats) or the UI's CSV export.",
    ),
    "glpi": ImporterSpec(
        "glpi",
        "deskmix.importers.glpi:import_glpi",
        "GLPI tickets: REST API JSON (with TicketTask: worked time) or a search-result CSV.",
    ),
    "bpic13": ImporterSpec(
        "bpic13",
        "deskmix.importers.bpic13:import_bpic13",
        "BPIC'13 Volvo IT incident event log (VINST CSV): L1/L2/L3 escalation reference.",
    ),
}


def read_source(
    source: str,
    path: Path,
    *,
    mapping_file: Path | None = None,
    encoding: str = "utf-8",
    delimiter: str | None = None,
) -> ImportBatch:
    """Read ``path`` with the named source's importer.

    The batch remembers which mapping read it: the same file read through a corrected mapping
    is a new import, not a repeat of the old one. ``delimiter`` ``None`` detects a delimited
    file's delimiter from its header; the report says how a file was read when it was not
    comma-separated UTF-8.
    """
    from deskmix.importers.readers import reading_note
    from deskmix.importers.textfiles import file_hash

    batch = IMPORTERS[source].read(
        Path(path), mapping_file=mapping_file, encoding=encoding, delimiter=delimiter
    )
    if mapping_file is not None:
        batch.mapping_hash = file_hash(Path(mapping_file))
    note = reading_note(Path(path), encoding, delimiter)
    if note is not None:
        batch.notes.insert(0, note)
    return batch


__all__ = ["IMPORTERS", "ImporterSpec", "read_source"]
