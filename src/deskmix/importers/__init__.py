"""Importers: one module per source system, all ending in the same ``ImportBatch``.

``IMPORTERS`` is the registry the CLI and API build their commands from; a new source adds
one module and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from deskmix.importers.base import ImportBatch
from deskmix.importers.csv_generic import import_csv

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
}


def read_source(
    source: str, path: Path, *, mapping_file: Path | None = None, encoding: str = "utf-8"
) -> ImportBatch:
    """Read ``path`` with the named source's importer."""
    return IMPORTERS[source].read(Path(path), mapping_file=mapping_file, encoding=encoding)


__all__ = ["IMPORTERS", "ImportBatch", "ImporterSpec", "read_source"]
