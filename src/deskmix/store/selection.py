"""Which stored tickets a reader wants: one source system, one import, or all of them.

Calibration, the back-test, the skills review and triage training all read "the tickets of
this selection"; the selection is the store's own query type so each reader names what it
wants and the store alone turns that into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement

from deskmix.store.models import TicketRow


@dataclass(frozen=True)
class Selection:
    """Which stored tickets to read; ``None`` means all."""

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
        """WHERE clauses on ``TicketRow`` for this selection (for the store's queries)."""
        out: list[ColumnElement[bool]] = []
        if self.source_system is not None:
            out.append(TicketRow.source_system == self.source_system)
        if self.import_id is not None:
            out.append(TicketRow.import_id == self.import_id)
        return out
