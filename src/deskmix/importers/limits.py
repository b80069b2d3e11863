"""What the store can hold, checked before anything is written.

SQLite does not enforce ``VARCHAR(n)`` and PostgreSQL refuses an over-long value only at
insert time with a driver error, so a 50 MB cell would either be stored whole or end an
import in a traceback. The limits are read from the store's own models, so a migration that
widens a column widens the check with it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from deskmix.errors import InputError
from deskmix.store.schema import text_lengths

# The store's INTEGER is 32 bits on PostgreSQL (and 64 on SQLite): the smaller one holds.
INT_MAX = 2**31 - 1
# Ticket and event fields whose column in the store has another name.
_STORED_AS = {"id": "key"}


def ticket_length(field: str) -> int | None:
    """The longest text the store keeps for a ticket field; ``None``: no limit."""
    return text_lengths("tickets").get(_STORED_AS.get(field, field))


def event_length(field: str) -> int | None:
    """The longest text the store keeps for an event field; ``None``: no limit."""
    return text_lengths("events").get(field)


def _bad_text(values: pd.Series, limit: int | None) -> pd.Series:
    """Which values are too long for their column, or hold a NUL (no database keeps one)."""
    codes, uniques = pd.factorize(values)  # labels repeat: check each distinct one once
    text = pd.Series(uniques, dtype="string")
    flagged = text.str.contains("\x00", regex=False).fillna(False)
    if limit is not None:
        flagged |= (text.str.len() > limit).fillna(False)
    lookup = pd.Series(flagged.to_numpy(dtype=bool)).to_numpy()
    marks = lookup[codes] & (codes >= 0) if len(lookup) else codes >= len(codes)
    return pd.Series(marks, index=values.index)


def check_text(
    values: pd.Series,
    *,
    limit: int | None,
    field: str,
    file: str | Path | None,
    rows: pd.Series | None = None,
    labels: pd.Series | None = None,
) -> None:
    """Refuse the first value longer than ``limit`` characters or holding a NUL character.

    ``rows`` gives the row to name; without it (values summarised from many rows)
    ``labels`` names the ticket instead.
    """
    bad = _bad_text(values, limit)
    if not bad.any():
        return
    first = bad[bad].index[0]
    text = str(values.loc[first])
    more = int(bad.sum()) - 1
    what = (
        f"value of {len(text):,} characters is longer than the store's {limit}"
        if limit is not None and len(text) > limit
        else "value holds a NUL character"
    )
    if labels is not None:
        what = f"ticket {labels.loc[first]}: {what}"
    raise InputError(
        what + (f" ({more} more like it)" if more else ""),
        file=file,
        row=int(rows.loc[first]) if rows is not None else None,
        field=field,
        value=text[:40],
        expected=(f"at most {limit} characters" if limit is not None else "text")
        + " without NUL characters",
    )


def check_batch(tickets: pd.DataFrame, events: pd.DataFrame, file: str | Path) -> None:
    """The last check before a write: every text the store keeps fits its column.

    Importers check their own columns with row numbers first; this catches what an importer
    derived (event labels, joined lists) so that nothing over-long reaches the store.
    """
    labels = tickets["id"] if "id" in tickets.columns else None
    for field in tickets.columns:
        if tickets[field].dtype == object or pd.api.types.is_string_dtype(tickets[field]):
            check_text(
                tickets[field], limit=ticket_length(field), field=field, file=file, labels=labels
            )
    for field in events.columns:
        if field != "ticket_id" and (
            events[field].dtype == object or pd.api.types.is_string_dtype(events[field])
        ):
            check_text(
                events[field],
                limit=event_length(field),
                field=f"event {field}",
                file=file,
                labels=events["ticket_id"],
            )
