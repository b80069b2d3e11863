"""Reading what calibration needs from the store into two frames (tickets, events).

The frames use the store's row id as the ticket ``id`` (keys are unique only per source system)
and carry the ticket's ``source_system`` on each event, because status names are per source.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import ColumnElement, func, select

from deskmix.store.db import Store
from deskmix.store.models import EventRow, TicketRow

TICKET_COLUMNS = (
    "id",
    "key",
    "source_system",
    "opened_at",
    "resolved_at",
    "closed_at",
    "domain",
    "tier",
    "priority",
    "group",
    "reassignments",
    "reopens",
    "title",
    "worked_hours",
)
EVENT_COLUMNS = ("ticket_id", "seq", "at", "status", "group", "assignee", "tier", "level")
DATE_COLUMNS = ("opened_at", "resolved_at", "closed_at")


@dataclass(frozen=True)
class Selection:
    """Which stored tickets to calibrate from; ``None`` means all."""

    source_system: str | None = None
    import_id: int | None = None

    def describe(self) -> str:
        parts = []
        if self.source_system:
            parts.append(f"source {self.source_system}")
        if self.import_id is not None:
            parts.append(f"import #{self.import_id}")
        return ", ".join(parts) or "all stored tickets"

    def conditions(self) -> list[ColumnElement[bool]]:
        """WHERE clauses on ``TicketRow`` for this selection."""
        out: list[ColumnElement[bool]] = []
        if self.source_system is not None:
            out.append(TicketRow.source_system == self.source_system)
        if self.import_id is not None:
            out.append(TicketRow.import_id == self.import_id)
        return out


def _utc(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column], utc=True).astype("datetime64[ns, UTC]")
    return frame


def load_frames(
    store: Store, selection: Selection | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tickets and their events (ordered by ticket and ``seq``) for the selection."""
    selection = selection or Selection()
    where = selection.conditions()
    ticket_query = (
        select(
            TicketRow.id,
            TicketRow.key,
            TicketRow.source_system,
            TicketRow.opened_at,
            TicketRow.resolved_at,
            TicketRow.closed_at,
            TicketRow.domain,
            TicketRow.tier,
            TicketRow.priority,
            TicketRow.group,
            TicketRow.reassignments,
            TicketRow.reopens,
            TicketRow.title,
            TicketRow.worked_hours,
        )
        .where(*where)
        .order_by(TicketRow.id)
    )
    event_query = (
        select(
            EventRow.ticket_id,
            EventRow.seq,
            EventRow.at,
            EventRow.status,
            EventRow.group,
            EventRow.assignee,
            EventRow.tier,
            EventRow.level,
            TicketRow.source_system,
        )
        .join(TicketRow, TicketRow.id == EventRow.ticket_id)
        .where(*where)
        .order_by(EventRow.ticket_id, EventRow.seq)
    )
    with store.engine.connect() as conn:
        tickets = pd.DataFrame(conn.execute(ticket_query).all(), columns=list(TICKET_COLUMNS))
        events = pd.DataFrame(
            conn.execute(event_query).all(), columns=[*EVENT_COLUMNS, "source_system"]
        )
    tickets = _utc(tickets, DATE_COLUMNS)
    events = _utc(events, ("at",))
    for column in ("reassignments", "reopens"):
        tickets[column] = tickets[column].astype("Int64")
    tickets["worked_hours"] = pd.to_numeric(tickets["worked_hours"]).astype("Float64")
    for column in ("key", "source_system", "domain", "tier", "priority", "group", "title"):
        tickets[column] = tickets[column].astype("string")
    for column in ("status", "group", "assignee", "tier", "level", "source_system"):
        events[column] = events[column].astype("string")
    return tickets, events


def stored_sources(store: Store) -> dict[str, int]:
    """Ticket counts per stored source system, to tell a user which ``--source`` names exist."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(TicketRow.source_system, func.count()).group_by(TicketRow.source_system)
        ).all()
    return {str(name): int(count) for name, count in sorted(rows)}
