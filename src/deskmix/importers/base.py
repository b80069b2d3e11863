"""What every importer returns: one batch of canonical tickets and events, ready to store.

Importers are columnar (pandas) because real exports run to hundreds of thousands of rows; the
columns are exactly the fields of ``deskmix.domain.Ticket`` and ``Event``, and ``tickets()`` /
``events()`` yield those domain objects for code that wants them one at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from deskmix.domain.ticket import EVENT_FIELDS, TICKET_FIELDS, Event, Ticket, Tier
from deskmix.importers.limits import check_batch


@dataclass
class ImportBatch:
    """One file's content in deskmix's own terms, plus what could not be mapped."""

    source: str
    path: Path
    file_hash: str
    rows_read: int
    tickets_frame: pd.DataFrame
    events_frame: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(EVENT_FIELDS))
    )
    unmapped: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    mapping_hash: str = ""  # SHA-256 of the user's mapping file; "" for the built-in mapping

    def __post_init__(self) -> None:
        missing = [c for c in TICKET_FIELDS if c not in self.tickets_frame.columns]
        if missing:
            raise ValueError(f"tickets frame lacks {missing}")
        self.tickets_frame = self.tickets_frame[list(TICKET_FIELDS)]
        if len(self.events_frame):
            self.events_frame = self.events_frame[list(EVENT_FIELDS)]
        check_batch(self.tickets_frame, self.events_frame, self.path)

    @property
    def ticket_count(self) -> int:
        return len(self.tickets_frame)

    @property
    def event_count(self) -> int:
        return len(self.events_frame)

    def tickets(self) -> Iterator[Ticket]:
        for record in _records(self.tickets_frame):
            if record["tier"] is not None:
                record["tier"] = Tier(str(record["tier"]))
            yield Ticket(**record)  # type: ignore[arg-type]

    def events(self) -> Iterator[Event]:
        for record in _records(self.events_frame):
            if record["tier"] is not None:
                record["tier"] = Tier(str(record["tier"]))
            yield Event(**record)  # type: ignore[arg-type]

    def report(self) -> dict[str, object]:
        """Plain data for the import record and the CLI: counts, unmapped labels, notes."""
        return {
            "unmapped": self.unmapped,
            "notes": self.notes,
            "fields_present": [c for c in TICKET_FIELDS if self.tickets_frame[c].notna().any()],
        }


def _records(frame: pd.DataFrame) -> Iterator[dict[str, object]]:
    from deskmix.store.records import as_object_records

    yield from as_object_records(frame)
