"""Importing as one use case: a ticket export read by its source's importer and stored as one
transaction.

``import_file(ImportRequest, store) -> ImportResult`` is what ``deskmix import SOURCE FILE``
and ``POST /api/imports`` call, so the checks (a known source; a mapping for the sources that
cannot read a file without one), the read and the write are written once. ``check_source``
runs the checks alone, for an interface that must refuse a request before it saves an upload.
The store is opened through ``store`` only once the file has been read, so a file that cannot
be read leaves no new database behind.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from deskmix.errors import ConfigError, InputError
from deskmix.importers import IMPORTERS, ImporterSpec, read_source

if TYPE_CHECKING:
    from deskmix.importers.base import ImportBatch
    from deskmix.importers.writer import ImportOutcome
    from deskmix.store import Store

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
"""The largest export a server accepts by default (``deskmix serve --max-upload-mb``)."""
CLI_MAPPING = "--mapping FILE"
"""How the command line names the mapping, in the error that asks for one."""
UPLOAD_MAPPING = "a 'mapping' file"
"""How an upload form names it."""


@dataclass(frozen=True)
class ImportRequest:
    """One export to import."""

    source: str
    """The importer (``deskmix.importers.IMPORTERS``): csv, servicenow, jira, ..."""
    file: Path
    mapping: Path | None = None
    """Mapping YAML laid over the source's defaults (needed by some sources)."""
    encoding: str = "utf-8"
    delimiter: str | None = None
    """One character; None: detected from a delimited file's header."""
    replace: bool = False
    """Replace tickets stored under the same ids (after correcting a mapping)."""
    mapping_option: str = CLI_MAPPING


@dataclass(frozen=True)
class ImportResult:
    """What was read (the batch: rows, notes, labels no rule maps) and what was stored."""

    batch: ImportBatch
    outcome: ImportOutcome

    def unmapped(self) -> dict[str, dict[str, int]]:
        """Labels no mapping rule covers, per field, with their ticket counts."""
        return {kind: dict(counts) for kind, counts in self.batch.unmapped.items()}


class ImportProgress(Protocol):
    """Told what an import is doing: reading, then writing ``total`` rows a few at a time."""

    def reading(self, file: Path) -> None: ...

    def writing(self, file: Path, total: int) -> None: ...

    def advance(self, rows: int) -> None: ...


def check_source(
    source: str, *, mapping_given: bool, mapping_option: str = CLI_MAPPING
) -> ImporterSpec:
    """The importer named ``source``, or the error a user sees: an unknown source, or a source
    that needs a mapping (the generic CSV) without one."""
    spec = IMPORTERS.get(source)
    if spec is None:
        raise InputError(
            "unknown source", field="source", value=source, expected=", ".join(IMPORTERS)
        )
    if spec.needs_mapping and not mapping_given:
        hint = " (see examples/mappings/README.md)" if mapping_option == CLI_MAPPING else ""
        raise ConfigError(
            f"the {spec.name} source needs {mapping_option} naming your columns; start from "
            f"'deskmix mapping show {spec.name}'{hint}"
        )
    return spec


def import_file(
    request: ImportRequest,
    store: Callable[[], AbstractContextManager[Store]],
    progress: ImportProgress | None = None,
) -> ImportResult:
    """Read ``request.file`` and store it as one import (all of it, or nothing).

    ``store`` opens the store when the file has been read (the CLI opens ``--db`` and closes
    it after; a server hands over the one it keeps). The same file with the same mapping is
    stored once: the outcome says ``already_imported``.
    """
    from deskmix.importers.writer import write_import

    spec = check_source(
        request.source,
        mapping_given=request.mapping is not None,
        mapping_option=request.mapping_option,
    )
    if progress is not None:
        progress.reading(request.file)
    batch = read_source(
        spec.name,
        request.file,
        mapping_file=request.mapping,
        encoding=request.encoding,
        delimiter=request.delimiter,
    )
    if progress is not None:
        progress.writing(request.file, batch.ticket_count + batch.event_count)
    with store() as opened:
        outcome = write_import(
            opened,
            batch,
            progress.advance if progress is not None else None,
            replace=request.replace,
        )
    return ImportResult(batch, outcome)
