"""What the store's columns can hold, read from its models, for checks before a write.

SQLite does not enforce ``VARCHAR(n)``, so the importers check text lengths themselves; the
lengths come from here so a migration that widens a column widens the check with it.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from sqlalchemy import String, inspect
from sqlalchemy.orm import Mapper

from deskmix.store.models import EventRow, TicketRow

TextTable = Literal["tickets", "events"]
_MODELS: dict[TextTable, type[TicketRow] | type[EventRow]] = {
    "tickets": TicketRow,
    "events": EventRow,
}


@cache
def text_lengths(table: TextTable) -> dict[str, int]:
    """The longest text each bounded column of ``table`` keeps, by attribute name."""
    mapper: Mapper[Any] = inspect(_MODELS[table])
    return {
        key: int(column.type.length)
        for key, column in mapper.columns.items()
        if isinstance(column.type, String) and column.type.length
    }
