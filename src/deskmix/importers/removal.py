"""Taking an import back out of the store: its tickets, their events and its record, at once.

A user who imported the wrong file (or the right file with a bad mapping they do not want to
re-apply) needs a way back that leaves every other import exactly as it was. Tickets belong to
the import that wrote them (``tickets.import_id``), so removing an import removes only those.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, select

from deskmix.errors import InputError
from deskmix.store import Store
from deskmix.store.models import EventRow, ImportRecord, TicketRow

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
