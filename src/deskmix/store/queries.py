"""Named reads of the stored history: tickets and events as frames, pages and counts.

Only ``deskmix.store`` builds queries; every reader (calibration, the skills review, triage
training, the API's ticket pages, ``deskmix store info``) calls one of these functions, so the
schema can change in one package. Results a reader treats as a table are pandas frames with
the store's raw values (the reader types its columns); single records are ORM rows, detached
from their session, whose attributes were all loaded before it closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import pandas as pd
from sqlalchemy import ColumnElement, and_, func, or_, select

from deskmix.store.db import Store
from deskmix.store.models import EventRow, ImportRecord, TicketRow
from deskmix.store.selection import Selection

TicketStatus = Literal["open", "resolved", "closed"]


def ticket_and_event_frames(
    store: Store,
    selection: Selection,
    ticket_columns: Sequence[str],
    event_columns: Sequence[str],
    *,
    order_tickets: bool = True,
    event_source_system: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The selection's tickets (``ticket_columns``, attribute names of ``TicketRow``; by id
    unless ``order_tickets`` is False) and their events (``event_columns`` of ``EventRow``,
    by ticket and ``seq``; plus the ticket's ``source_system`` when asked), read on one
    connection so both frames see the same history. Columns keep the attribute names."""
    where = selection.conditions()
    ticket_query = select(*(getattr(TicketRow, c) for c in ticket_columns)).where(*where)
    if order_tickets:
        ticket_query = ticket_query.order_by(TicketRow.id)
    extra = [TicketRow.source_system] if event_source_system else []
    event_query = (
        select(*(getattr(EventRow, c) for c in event_columns), *extra)
        .join(TicketRow, TicketRow.id == EventRow.ticket_id)
        .where(*where)
        .order_by(EventRow.ticket_id, EventRow.seq)
    )
    event_names = [*event_columns, *(["source_system"] if event_source_system else [])]
    with store.engine.connect() as conn:
        tickets = pd.DataFrame(conn.execute(ticket_query).all(), columns=list(ticket_columns))
        events = pd.DataFrame(conn.execute(event_query).all(), columns=event_names)
    return tickets, events


def ticket_frame(store: Store, selection: Selection, columns: Sequence[str]) -> pd.DataFrame:
    """The selection's tickets by id, ``columns`` (attribute names of ``TicketRow``) only."""
    query = (
        select(*(getattr(TicketRow, c) for c in columns))
        .where(*selection.conditions())
        .order_by(TicketRow.id)
    )
    with store.engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=list(columns))


def ticket_counts_by_source(store: Store) -> dict[str, int]:
    """Stored tickets per source system, by name."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(TicketRow.source_system, func.count()).group_by(TicketRow.source_system)
        ).all()
    return {str(name): int(count) for name, count in sorted(rows)}


@dataclass(frozen=True)
class TicketFilter:
    """What the API's ticket list filters on; ``None`` leaves a field unfiltered."""

    domain: str | None = None
    tier: str | None = None
    priority: str | None = None
    status: TicketStatus | None = None
    opened_from: datetime | None = None
    opened_to: datetime | None = None
    source_system: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.domain is not None:
            out.append(TicketRow.domain == self.domain)
        if self.tier is not None:
            out.append(TicketRow.tier == self.tier)
        if self.priority is not None:
            out.append(TicketRow.priority == self.priority)
        if self.status is not None:
            out.append(_status(self.status))
        if self.opened_from is not None:
            out.append(TicketRow.opened_at >= self.opened_from)
        if self.opened_to is not None:
            out.append(TicketRow.opened_at < self.opened_to)
        if self.source_system is not None:
            out.append(TicketRow.source_system == self.source_system)
        return out


def _status(status: TicketStatus) -> ColumnElement[bool]:
    if status == "open":
        return and_(TicketRow.resolved_at.is_(None), TicketRow.closed_at.is_(None))
    if status == "resolved":
        return or_(TicketRow.resolved_at.is_not(None), TicketRow.closed_at.is_not(None))
    return TicketRow.closed_at.is_not(None)


def ticket_page(
    store: Store, where: TicketFilter, page: int, page_size: int
) -> tuple[int, list[TicketRow]]:
    """How many tickets match, and page ``page`` (from 1) of them, newest opened first."""
    conditions = where.conditions()
    with store.session() as session:
        total = session.scalar(select(func.count()).select_from(TicketRow).where(*conditions))
        rows = session.scalars(
            select(TicketRow)
            .where(*conditions)
            .order_by(TicketRow.opened_at.desc(), TicketRow.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        ).all()
    return total or 0, list(rows)


def ticket_by_number(store: Store, number: int) -> TicketRow | None:
    """The stored ticket with this store id, or None (also for ids no column can hold)."""
    if not -(2**31) <= number < 2**31:
        return None
    with store.session() as session:
        return session.get(TicketRow, number)


def import_records(store: Store) -> list[ImportRecord]:
    """Every import, in the order they were made."""
    with store.session() as session:
        return list(session.scalars(select(ImportRecord).order_by(ImportRecord.id)).all())
