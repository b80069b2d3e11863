"""Reading what calibration needs from the store into two frames (tickets, events).

The frames use the store's row id as the ticket ``id`` (keys are unique only per source system)
and carry the ticket's ``source_system`` on each event, because status names are per source.
"""

from __future__ import annotations

import pandas as pd

from deskmix.store.db import Store
from deskmix.store.queries import ticket_and_event_frames, ticket_counts_by_source
from deskmix.store.selection import Selection

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


def _utc(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column], utc=True).astype("datetime64[ns, UTC]")
    return frame


def load_frames(
    store: Store, selection: Selection | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tickets and their events (ordered by ticket and ``seq``) for the selection."""
    tickets, events = ticket_and_event_frames(
        store,
        selection or Selection(),
        TICKET_COLUMNS,
        EVENT_COLUMNS,
        event_source_system=True,
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
    return ticket_counts_by_source(store)
