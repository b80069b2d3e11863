"""Tickets and their events: the unit every importer produces and every analysis consumes."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum


class Tier(StrEnum):
    """Who a ticket's work needs: first-line breadth or one domain's depth."""

    GENERALIST = "generalist"
    SPECIALIST = "specialist"


@dataclass(frozen=True, slots=True)
class Ticket:
    """One incident or request, normalised from any source system.

    Times are timezone-aware UTC. Fields a source lacks are ``None`` rather than guessed, so
    calibration can say what it could not estimate instead of inventing it.
    """

    id: str
    source_system: str
    opened_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    title: str | None = None
    description: str | None = None
    domain: str | None = None
    tier: Tier | None = None
    priority: str | None = None
    impact: int | None = None
    urgency: int | None = None
    group: str | None = None
    assignee: str | None = None
    resolver: str | None = None
    reassignments: int | None = None
    reopens: int | None = None
    channel: str | None = None
    category: str | None = None
    # Hands-on hours people recorded on the ticket (GLPI task durations, worklogs): real
    # effort, which calibration prefers to any estimate. None when the source records none.
    worked_hours: float | None = None

    def __post_init__(self) -> None:
        for name in ("opened_at", "resolved_at", "closed_at"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"Ticket.{name} must be timezone-aware, got {value!r}")


@dataclass(frozen=True, slots=True)
class Event:
    """One state change of a ticket; escalation paths and touch times are derived from these."""

    ticket_id: str
    seq: int
    at: datetime
    status: str | None = None
    group: str | None = None
    assignee: str | None = None
    tier: Tier | None = None
    level: str | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError(f"Event.at must be timezone-aware, got {self.at!r}")


TICKET_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Ticket))
EVENT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Event))
