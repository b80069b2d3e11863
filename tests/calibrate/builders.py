"""Hand-built tickets and events for calibration tests: frames, and stores holding them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from deskmix.domain.ticket import EVENT_FIELDS, TICKET_FIELDS
from deskmix.importers.base import ImportBatch
from deskmix.importers.writer import ImportOutcome, write_import
from deskmix.store import Store

T0 = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)  # a Monday
DATES = ("opened_at", "resolved_at", "closed_at")
COUNTS = ("impact", "urgency", "reassignments", "reopens")


def at(hours: float) -> datetime:
    """``hours`` after Monday 2024-01-01 08:00 UTC."""
    return T0 + timedelta(hours=hours)


def tickets_frame(rows: Sequence[dict[str, object]], source: str = "servicenow") -> pd.DataFrame:
    """Canonical ticket columns with their proper dtypes; fields not given stay NA."""
    frame = pd.DataFrame(list(rows))
    for name in TICKET_FIELDS:
        if name not in frame.columns:
            frame[name] = pd.NA
    frame["source_system"] = frame["source_system"].fillna(source)
    for name in DATES:
        frame[name] = pd.to_datetime(frame[name], utc=True).astype("datetime64[ns, UTC]")
    for name in COUNTS:
        frame[name] = frame[name].astype("Int64")
    frame["worked_hours"] = pd.to_numeric(frame["worked_hours"]).astype("Float64")
    for name in set(TICKET_FIELDS) - set(DATES) - set(COUNTS) - {"worked_hours"}:
        frame[name] = frame[name].astype("string")
    return frame[list(TICKET_FIELDS)]


def events_frame(rows: Sequence[dict[str, object]]) -> pd.DataFrame:
    """Canonical event columns; ``seq`` is numbered per ticket in the order given."""
    frame = pd.DataFrame(list(rows))
    if frame.empty:
        return pd.DataFrame(columns=list(EVENT_FIELDS))
    for name in EVENT_FIELDS:
        if name not in frame.columns:
            frame[name] = pd.NA
    frame["seq"] = frame.groupby("ticket_id").cumcount().astype("int64")
    frame["at"] = pd.to_datetime(frame["at"], utc=True).astype("datetime64[ns, UTC]")
    for name in ("ticket_id", "status", "group", "assignee", "tier", "level"):
        frame[name] = frame[name].astype("string")
    return frame[list(EVENT_FIELDS)]


def store_rows(
    store: Store,
    tickets: Sequence[dict[str, object]],
    events: Sequence[dict[str, object]] = (),
    source: str = "servicenow",
) -> ImportOutcome:
    """Write hand-built rows to the store as one import, as an importer would."""
    batch = ImportBatch(
        source=source,
        path=Path("hand-built.csv"),
        file_hash=uuid.uuid4().hex,
        rows_read=len(tickets),
        tickets_frame=tickets_frame(tickets, source),
        events_frame=events_frame(events),
    )
    return write_import(store, batch)
