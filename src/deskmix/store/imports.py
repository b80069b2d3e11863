"""Writing an import into the store, and taking one back out: each one transaction, whole.

Re-importing a file already seen (same source, same SHA-256, same mapping) adds nothing.
Tickets whose ``(source_system, id)`` is already stored are kept as they are and counted as
skipped, so an overlapping export never duplicates or overwrites history, unless the caller
asks to ``replace`` them (after fixing a mapping): then the stored tickets and their events
are swapped for this file's, in the same transaction.

Speed matters here: an event log is hundreds of thousands of rows. Values are converted per
column, not per row: each distinct value goes through the column type's own bind processor
once (an event log repeats the same minute many times). On SQLite the rows go straight to the
driver, hundreds per INSERT statement, and the tickets get their ids up front so the events
link to them without reading the ids back. Other databases take SQLAlchemy's batched insert.

Removing an import: a user who imported the wrong file (or the right file with a bad mapping
they do not want to re-apply) needs a way back that leaves every other import exactly as it
was. Tickets belong to the import that wrote them (``tickets.import_id``), so removing an
import removes only those.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Column, Connection, delete, func, insert, inspect, select, update

from deskmix.errors import InputError
from deskmix.store.db import Store
from deskmix.store.models import Base, EventRow, GroupRow, ImportRecord, TicketRow
from deskmix.store.records import as_object_records


@dataclass(frozen=True)
class ImportedFile:
    """What the import record says about the file: where it came from and what was read."""

    source: str
    file_name: str
    file_hash: str
    mapping_hash: str
    rows_read: int
    report: dict[str, object] = field(default_factory=dict)


_CHUNK = 50_000


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


def _bound_values(series: pd.Series, column: Column[Any], conn: Connection) -> np.ndarray:
    """The column as the driver wants it: ``None`` for missing, each distinct value bound once.

    The column type's dialect-level processor is the reference (on SQLite it turns an aware
    datetime into UTC text); distinct UTC times are formatted in one vectorised call instead,
    after checking that the call writes exactly what the processor writes.
    """
    process = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    if process is None and not isinstance(series.dtype, pd.DatetimeTZDtype):
        plain: np.ndarray = series.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
        return plain
    codes, uniques = pd.factorize(series)
    if isinstance(uniques, pd.DatetimeIndex):
        bound = _bound_times(uniques, process)
    else:
        python = uniques.to_numpy(dtype=object).tolist()
        bound = [process(v) for v in python] if process is not None else python
    lookup = np.array([*bound, None], dtype=object)
    return lookup[codes]  # code -1 picks the trailing None


_SQLITE_TEXT = "%Y-%m-%d %H:%M:%S.%f"


def _bound_times(uniques: pd.DatetimeIndex, process: Callable[[Any], Any] | None) -> list[Any]:
    if process is None:
        return list(uniques.to_pydatetime())
    if uniques.tz is not None and len(uniques):
        text = uniques.tz_convert("UTC").tz_localize(None).strftime(_SQLITE_TEXT)
        ends = [int(np.argmin(uniques.asi8)), int(np.argmax(uniques.asi8))]
        if all(text[i] == process(uniques[i].to_pydatetime()) for i in ends):
            return text.to_numpy(dtype=object).tolist()
    return [process(v) for v in uniques.to_pydatetime()]


_ROWS_PER_STATEMENT = 500


def _insert_sqlite(
    conn: Connection,
    table: type[Base],
    columns: list[Column[Any]],
    grid: np.ndarray,
    progress: Progress | None,
) -> None:
    """Many rows per INSERT: SQLite's per-statement cost, not its per-value cost, dominates."""
    driver = conn.connection.driver_connection
    limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if driver else 999
    per_statement = max(1, min(_ROWS_PER_STATEMENT, limit // len(columns)))
    quote = conn.dialect.identifier_preparer.quote
    head = (
        f"INSERT INTO {quote(table.__tablename__)} "
        f"({', '.join(quote(c.name) for c in columns)}) VALUES "
    )
    row = "(" + ", ".join("?" for _ in columns) + ")"

    def statement(rows: int) -> str:
        return head + ", ".join([row] * rows)

    cursor: Any = conn.connection.cursor()  # the driver's own: it takes a row generator
    try:
        for start in range(0, len(grid), _CHUNK):
            stop = min(start + _CHUNK, len(grid))
            whole = start + (stop - start) // per_statement * per_statement
            cursor.executemany(
                statement(per_statement),
                (
                    grid[i : i + per_statement].ravel().tolist()
                    for i in range(start, whole, per_statement)
                ),
            )
            if whole < stop:
                cursor.execute(statement(stop - whole), grid[whole:stop].ravel().tolist())
            if progress is not None:
                progress(stop - start)
    finally:
        cursor.close()


def _insert_frame(
    conn: Connection,
    table: type[Base],
    frame: pd.DataFrame,
    progress: Progress | None = None,
) -> None:
    """Insert the frame's rows (columns named as the model's attributes) in large chunks."""
    if frame.empty:
        return
    attributes = inspect(table).columns
    columns = [attributes[name] for name in frame.columns]
    if conn.dialect.name == "sqlite":
        grid = np.empty((len(frame), len(columns)), dtype=object)
        for j, (name, column) in enumerate(zip(frame.columns, columns, strict=True)):
            grid[:, j] = _bound_values(frame[name], column, conn)
        _insert_sqlite(conn, table, columns, grid, progress)
        return
    # A Core insert is keyed by the table's column names ("group_name"), not by the model's
    # attribute names ("group"): a key it does not know would be dropped silently.
    records = as_object_records(frame.set_axis([c.key for c in columns], axis=1))
    for start in range(0, len(records), _CHUNK):
        chunk = records[start : start + _CHUNK]
        conn.execute(insert(table), chunk)
        if progress is not None:
            progress(len(chunk))


def _write_groups(conn: Connection, frame: pd.DataFrame) -> None:
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


def _delete_tickets(conn: Connection, source_systems: list[str], keys: pd.Series) -> None:
    """Remove stored tickets (and their events) that this import replaces."""
    wanted = set(keys.astype(str))
    for system in source_systems:
        rows = conn.execute(
            select(TicketRow.id, TicketRow.key).where(TicketRow.source_system == system)
        ).all()
        delete_tickets(conn, [row.id for row in rows if row.key in wanted])


def store_import(
    store: Store,
    file: ImportedFile,
    tickets: pd.DataFrame,
    events: pd.DataFrame,
    progress: Progress | None = None,
    *,
    replace: bool = False,
) -> ImportOutcome:
    """Store one file's tickets and events as one transaction; nothing is written if anything
    fails.

    ``tickets`` and ``events`` have the columns of ``deskmix.domain.Ticket`` and ``Event``
    (an importer's batch). ``progress`` is called with the number of rows written after each
    chunk (tickets, then events), so a caller can drive a progress bar over all rows.
    ``replace`` swaps tickets already stored under the same ids for these.
    """
    with store.transaction() as conn:
        same = (
            ImportRecord.source == file.source,
            ImportRecord.file_hash == file.file_hash,
            ImportRecord.mapping_hash == file.mapping_hash,
        )
        previous = conn.execute(
            select(ImportRecord.id, ImportRecord.imported_at).where(*same)
        ).first()
        source_systems = [str(s) for s in tickets["source_system"].dropna().unique().tolist()]
        if replace:
            _delete_tickets(conn, source_systems, tickets["id"])
            if previous is not None:
                remaining = conn.scalar(
                    select(func.count())
                    .select_from(TicketRow)
                    .where(TicketRow.import_id == previous.id)
                )
                if remaining:
                    # The earlier import still owns tickets this file no longer has: keep its
                    # record, but retire its (file, mapping) key so this import can take it.
                    conn.execute(
                        update(ImportRecord)
                        .where(ImportRecord.id == previous.id)
                        .values(mapping_hash=f"replaced-{previous.id}")
                    )
                else:
                    conn.execute(delete(ImportRecord).where(ImportRecord.id == previous.id))
                previous = None
        if previous is not None:
            return ImportOutcome(
                import_id=previous.id,
                tickets_added=0,
                events_added=0,
                tickets_skipped=len(tickets),
                already_imported=True,
                imported_at=previous.imported_at,
            )
        import_id = conn.execute(
            insert(ImportRecord).returning(ImportRecord.id),
            {
                "source": file.source,
                "file_name": file.file_name,
                "file_hash": file.file_hash,
                "mapping_hash": file.mapping_hash,
                "imported_at": datetime.now(UTC),
                "rows_read": file.rows_read,
                "tickets_added": 0,
                "events_added": 0,
                "tickets_skipped": 0,
                "report": file.report,
            },
        ).scalar_one()
        existing: set[str] = set()
        for system in source_systems:
            existing |= _existing_keys(conn, system)
        fresh = tickets[~tickets["id"].isin(existing)] if existing else tickets
        rows = fresh.rename(columns={"id": "key"}).assign(import_id=import_id)
        first_id = None
        if conn.dialect.name == "sqlite":
            # SQLite would hand out max(id) + 1 onwards anyway (this transaction holds the write
            # lock); naming the ids saves reading them back to link the events.
            first_id = (conn.scalar(select(func.max(TicketRow.id))) or 0) + 1
            rows.insert(0, "id", np.arange(first_id, first_id + len(rows), dtype=np.int64))
        _insert_frame(conn, TicketRow, rows, progress)
        events_added = 0
        if len(events) and len(fresh):
            keys = pd.Index(fresh["id"].to_numpy(dtype=object))
            if first_id is not None:
                id_array = np.arange(first_id, first_id + len(keys), dtype=np.int64)
            else:
                # .all(): a Result has keys(), so dict(result) would treat it as a mapping.
                stored = dict(
                    conn.execute(
                        select(TicketRow.key, TicketRow.id).where(TicketRow.import_id == import_id)
                    ).all()
                )
                id_array = np.array([stored[k] for k in keys], dtype=np.int64)
            codes, event_keys = pd.factorize(events["ticket_id"])
            position = keys.get_indexer(event_keys.to_numpy(dtype=object))
            known = np.append(np.where(position >= 0, id_array[position], -1), -1)
            ticket_ids = known[codes]  # code -1 (no ticket id) picks the trailing -1
            linked = events[ticket_ids >= 0].assign(ticket_id=ticket_ids[ticket_ids >= 0])
            _insert_frame(conn, EventRow, linked, progress)
            events_added = len(linked)
        _write_groups(conn, tickets)
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


CHUNK = 5000
"""Ticket ids per DELETE ... IN (...): SQLite caps bound parameters per statement."""


def delete_tickets(conn: Connection, ticket_ids: list[int]) -> int:
    """Delete these tickets with their events (inside the caller's transaction); returns how
    many events went. Shared by removing an import and by an import that replaces tickets."""
    events = 0
    for start in range(0, len(ticket_ids), CHUNK):
        chunk = ticket_ids[start : start + CHUNK]
        events += conn.execute(delete(EventRow).where(EventRow.ticket_id.in_(chunk))).rowcount
        conn.execute(delete(TicketRow).where(TicketRow.id.in_(chunk)))
    return events


@dataclass(frozen=True)
class RemovedImport:
    import_id: int
    source: str
    file_name: str
    tickets: int
    events: int


def remove_import(store: Store, import_id: int) -> RemovedImport:
    """Delete import ``import_id`` with its tickets and events in one transaction."""
    with store.transaction() as conn:
        record = conn.execute(
            select(ImportRecord.source, ImportRecord.file_name).where(ImportRecord.id == import_id)
        ).first()
        if record is None:
            known = conn.scalars(select(ImportRecord.id).order_by(ImportRecord.id)).all()
            shown = ", ".join(str(i) for i in known[:20]) or "none"
            raise InputError(
                "no such import",
                field="import",
                value=import_id,
                expected=f"one of the stored imports ({shown}); see 'deskmix store info'",
            )
        owned = select(TicketRow.id).where(TicketRow.import_id == import_id)
        ticket_ids = list(conn.scalars(owned).all())
        events = delete_tickets(conn, ticket_ids)
        conn.execute(delete(ImportRecord).where(ImportRecord.id == import_id))
    return RemovedImport(
        import_id=import_id,
        source=record.source,
        file_name=record.file_name,
        tickets=len(ticket_ids),
        events=events,
    )
