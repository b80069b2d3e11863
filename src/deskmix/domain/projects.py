"""Project work beside tickets: a portfolio of projects and the rule that gives them time.

Rule ``reserved``: a standing share of every in-house specialist's on-shift hours is reserved
for projects and taken out of ticket work, the way shrinkage's meetings share is
(``deskmix.sim.absences``). Rule ``tickets_first``: tickets keep every hour; projects get the
specialists' idle share of their hours at work, worked out after each replication from its
utilisation (``deskmix.projects.schedule.idle_supply``).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

DEFAULT_RESERVED_SHARE = 0.20


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Project(_Model):
    """One piece of project work: ``effort_hours`` of specialist time in ``domains`` (anyone
    at level 3 or more in one of them may work on it), between ``earliest_start`` and
    ``due``. ``priority`` 1 (first) .. 5 breaks ties between projects due the same day."""

    name: str
    domains: list[str] = Field(min_length=1)
    effort_hours: float = Field(gt=0)
    earliest_start: dt.date
    due: dt.date
    priority: int = Field(default=3, ge=1, le=5)

    @field_validator("name")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a project needs a name")
        return value.strip()

    @field_validator("due")
    @classmethod
    def _after_start(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("earliest_start")
        if start is not None and value < start:
            raise ValueError(f"due date {value} is before earliest_start {start}")
        return value


class Portfolio(_Model):
    """Projects and the rule that gives them specialists' time; ``reserved_share`` is used by
    the ``reserved`` rule only."""

    rule: Literal["reserved", "tickets_first"] = "reserved"
    reserved_share: float = Field(default=DEFAULT_RESERVED_SHARE, ge=0, lt=1)
    projects: list[Project] = Field(default_factory=list)

    @property
    def share_out_of_tickets(self) -> float:
        """What the simulation takes out of ticket work (``SimSettings.reserved_share``)."""
        return self.reserved_share if self.rule == "reserved" else 0.0

    @field_validator("projects")
    @classmethod
    def _unique(cls, value: list[Project]) -> list[Project]:
        names = [p.name for p in value]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"project names must be unique; repeated: {', '.join(repeated)}")
        return value
