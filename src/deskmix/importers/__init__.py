"""Importers: one module per source system, all ending in the same ``ImportBatch``.

``IMPORTERS`` is the registry the CLI and API build their commands from; a new source adds
one module and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from deskmix.importers.base import ImportBatch
from deskmix.importers.bpic13 import import_bpic13
from deskmix.importers.csv_generic import import_csv
from deskmix.importers.jira import import_jira
from deskmix.importers.readers import file_hash
from deskmix.importers.servicenow import import_servicenow
from deskmix.importers.servicenow_events import import_servicenow_events
from deskmix.importers.zendesk import import_zendesk

ImportFunction = Callable[..., ImportBatch]


@dataclass(frozen=True)
class ImporterSpec:
    """A source: how to read it and one line of help for the CLI."""

    name: str
    read: ImportFunction
    help: str
    needs_mapping: bool = False


IMPORTERS: dict[str, ImporterSpec] = {
    "csv": ImporterSpec(
        "csv",
        import_csv,
        "Any CSV or XLSX export, described by a YAML column mapping (--mapping).",
        needs_mapping=True,
    ),
    "servicenow": ImporterSpec(
        "servicenow",
        import_servicenow,
        "ServiceNow incidents, one row each: list export (CSV/XLSX) or Table API JSON.",
    ),
    "servicenow-events": ImporterSpec(
        "servicenow-events",
        import_servicenow_events,
        "ServiceNow incident event log (one row per update, e.g. the UCI incident log).",
    ),
    "jira": ImporterSpec(
        "jira",
        import_jira,
        "Jira Service Management: issue search JSON (with changelog: events) or CSV export.",
    ),
    "zendesk": ImporterSpec(
        "zendesk",
        import_zendesk,
        "Zendesk incremental ticket export JSON, with ticket metrics (include=metric_sets).",
    ),
    "bpic13": ImporterSpec(
        "bpic13",
        import_bpic13,
        "BPIC'13 Volvo IT incident event log (VINST CSV): L1/L2/L3 escalation reference.",
    ),
}


def read_source(
    source: str, path: Path, *, mapping_file: Path | None = None, encoding: str = "utf-8"
) -> ImportBatch:
    """Read ``path`` with the named source's importer.

    The batch remembers which mapping read it: the same file read through a corrected mapping
    is a new import, not a repeat of the old one.
    """
    batch = IMPORTERS[source].read(Path(path), mapping_file=mapping_file, encoding=encoding)
    if mapping_file is not None:
        batch.mapping_hash = file_hash(Path(mapping_file))
    return batch


__all__ = ["IMPORTERS", "ImportBatch", "ImporterSpec", "read_source"]
