"""SLA targets per priority: what "good enough" means for a desk, in its own hours."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from deskmix.domain.priority import Priority
from deskmix.domain.team import Shift


class Clock(StrEnum):
    CALENDAR = "calendar"
    BUSINESS = "business"


class SlaTarget(BaseModel):
    """Respond within ``response_hours`` and resolve within ``resolution_hours`` for ``share``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    priority: Priority
    response_hours: float = Field(gt=0)
    resolution_hours: float = Field(gt=0)
    share: float = Field(default=0.9, gt=0, le=1)
    clock: Clock = Clock.CALENDAR


class SlaPolicy(BaseModel):
    """All targets plus the business hours a business-hours clock counts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    targets: list[SlaTarget]
    business_hours: list[Shift] = Field(default_factory=lambda: [Shift()])

    def target(self, priority: Priority) -> SlaTarget | None:
        return next((t for t in self.targets if t.priority == priority), None)

    @classmethod
    def default(cls) -> SlaPolicy:
        """Common ITIL-style targets; every desk should write its own."""
        rows = [
            (Priority.P1, 0.25, 4, Clock.CALENDAR),
            (Priority.P2, 1, 8, Clock.BUSINESS),
            (Priority.P3, 4, 24, Clock.BUSINESS),
            (Priority.P4, 8, 72, Clock.BUSINESS),
            (Priority.P5, 24, 160, Clock.BUSINESS),
        ]
        return cls(
            targets=[
                SlaTarget(priority=p, response_hours=r, resolution_hours=s, clock=c)
                for p, r, s, c in rows
            ]
        )
