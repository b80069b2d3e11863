"""Writing an import into the store: all of it in one transaction, or none of it.

Re-importing a file already seen (same source, same SHA-256) adds nothing. Tickets whose
``(source_system, id)`` is already stored are kept as they are and counted as skipped, so an
overlapping export never duplicates or overwrites history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, insert, select, update

from deskmix.importers.base import ImportBatch
from deskmix.importers.parsing import as_object_records
from deskmix.store.db import Store
from deskmix.store.models import Base, EventRow, GroupRow, ImportRecord, TicketRow

_CHUNK = 5000


@dataclass(frozen=True)
class ImportOutcome:
    import_id: int
    tickets_added: int
    events_added: int
    tickets_skipped: int
    already_imported: bool = False
    imported_at: datetime | None = None


def _existing_keys(conn: Connection, source_system: str) -> set[str]:
    rows = conn.execute(select(TicketRow.key).where(TicketRow.source_system == source_system))
    return {r[0] for r in rows}


Progress = Callable[[int], None]


def _insert_chunked(
    conn: Connection,
    table: type[Base],
    records: list[dict[str, object]],
    progress: Progress | None = None,
) -> None:
    for start in range(0, len(records), _CHUNK):
        chunk = records[start : start + _CHUNK]
        conn.execute(insert(table), chunk)
        if progress is not None:
            progress(len(chunk))


def _ticket_records(frame: pd.DataFrame, import_id: int) -> list[dict[str, object]]:
    records = as_object_records(frame.rename(columns={"id": "key"}))
    for record in records:
        record["import_id"] = import_id
    return records


def _write_groups(conn: Connection, batch: ImportBatch) -> None:
    frame = batch.tickets_frame
    groups = frame.loc[frame["group"].notna(), ["source_system", "group", "domain", "tier"]]
    if groups.empty:
        return
    first = groups.drop_duplicates(subset=["source_system", "group"])
    known = {
        (r.source_system, r.name)
        for r in conn.execute(select(GroupRow.source_system, GroupRow.name))
    }
    records = [
        {"source_system": s, "name": g, "domain": d, "tier": t}
        for s, g, d, t in as_object_records_tuples(first)
        if (s, g) not in known
    ]
    if records:
        conn.execute(insert(GroupRow), records)


def as_object_records_tuples(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    return [tuple(r.values()) for r in as_object_records(frame)]


def write_import(
    store: Store, batch: ImportBatch, progress: Progress | None = None
) -> ImportOutcome:
    """Store the batch as one transaction; nothing is written if anything fails.

    ``progress`` is called with the number of rows written after each chunk (tickets, then
    events), so a caller can drive a progress bar over ``ticket_count + event_count`` rows.
    """
    with store.transaction() as conn:
        previous = conn.execute(
            select(ImportRecord.id, ImportRecord.imported_at).where(
                ImportRecord.source == batch.source, ImportRecord.file_hash == batch.file_hash
            )
        ).first()
        if previous is not None:
            return ImportOutcome(
                import_id=previous.id,
                tickets_added=0,
                events_added=0,
                tickets_skipped=batch.ticket_count,
                already_imported=True,
                imported_at=previous.imported_at,
            )
        import_id = conn.execute(
            insert(ImportRecord).returning(ImportRecord.id),
            {
                "source": batch.source,
                "file_name": batch.path.name,
                "file_hash": batch.file_hash,
                "imported_at": datetime.now(UTC),
                "rows_read": batch.rows_read,
                "tickets_added": 0,
                "events_added": 0,
                "tickets_skipped": 0,
                "report": batch.report(),
            },
        ).scalar_one()
        tickets = batch.tickets_frame
        source_systems = tickets["source_system"].dropna().unique().tolist()
        existing: set[str] = set()
        for system in source_systems:
            existing |= _existing_keys(conn, str(system))
        fresh = tickets[~tickets["id"].isin(existing)] if existing else tickets
        _insert_chunked(conn, TicketRow, _ticket_records(fresh, import_id), progress)
        events_added = 0
        if batch.event_count and len(fresh):
            ids = dict(
                conn.execute(
                    select(TicketRow.key, TicketRow.id).where(TicketRow.import_id == import_id)
                ).tuples()
            )
            events = batch.events_frame
            events = events[events["ticket_id"].isin(ids.keys())].copy()
            events["ticket_id"] = events["ticket_id"].map(ids)
            records = as_object_records(events)
            _insert_chunked(conn, EventRow, records, progress)
            events_added = len(records)
        _write_groups(conn, batch)
        conn.execute(
            update(ImportRecord)
            .where(ImportRecord.id == import_id)
            .values(
                tickets_added=len(fresh),
                events_added=events_added,
                tickets_skipped=len(tickets) - len(fresh),
            )
        )
    return ImportOutcome(
        import_id=import_id,
        tickets_added=len(fresh),
        events_added=events_added,
        tickets_skipped=len(tickets) - len(fresh),
    )
