"""Writing an importer's batch into the store: all of it in one transaction, or none of it.

The SQL (what an import skips, replaces and records) is the store's, in
``deskmix.store.imports``; this module hands it a batch in the store's terms, so every caller
(the CLI, the API, the demo) keeps writing an ``ImportBatch`` with one call.
"""

from __future__ import annotations

from deskmix.importers.base import ImportBatch
from deskmix.store.db import Store
from deskmix.store.imports import ImportedFile, ImportOutcome, Progress, store_import

__all__ = ["ImportOutcome", "Progress", "write_import"]


def write_import(
    store: Store,
    batch: ImportBatch,
    progress: Progress | None = None,
    *,
    replace: bool = False,
) -> ImportOutcome:
    """Store the batch as one transaction; nothing is written if anything fails.

    ``progress`` is called with the number of rows written after each chunk (tickets, then
    events), so a caller can drive a progress bar over ``ticket_count + event_count`` rows.
    ``replace`` swaps tickets already stored under the same ids for this batch's.
    """
    record = ImportedFile(
        source=batch.source,
        file_name=batch.path.name,
        file_hash=batch.file_hash,
        mapping_hash=batch.mapping_hash,
        rows_read=batch.rows_read,
        report=batch.report(),
    )
    return store_import(
        store, record, batch.tickets_frame, batch.events_frame, progress, replace=replace
    )
