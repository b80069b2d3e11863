"""ITIL priority from impact x urgency; the matrix is data so a desk can use its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Priority(StrEnum):
    """ITIL priorities, P1 most urgent. SLA targets hang on these."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    P5 = "P5"


def _itil_default() -> dict[tuple[int, int], Priority]:
    # Rows: impact 1 (high) .. 3 (low); columns: urgency 1 (high) .. 3 (low).
    grid = [
        [Priority.P1, Priority.P2, Priority.P3],
        [Priority.P2, Priority.P3, Priority.P4],
        [Priority.P3, Priority.P4, Priority.P5],
    ]
    return {(i + 1, u + 1): grid[i][u] for i in range(3) for u in range(3)}


@dataclass(frozen=True)
class PriorityMatrix:
    """Maps (impact, urgency), each 1 = high .. 3 = low, to a priority."""

    cells: dict[tuple[int, int], Priority] = field(default_factory=_itil_default)

    def priority(self, impact: int, urgency: int) -> Priority:
        """Look up the priority; raises ``KeyError`` for levels outside the matrix."""
        return self.cells[(impact, urgency)]

    @classmethod
    def from_rows(cls, rows: list[list[str]]) -> PriorityMatrix:
        """Build from a YAML-style grid: ``rows[impact-1][urgency-1] = "P2"``."""
        cells = {
            (i + 1, u + 1): Priority(value)
            for i, row in enumerate(rows)
            for u, value in enumerate(row)
        }
        return cls(cells)
