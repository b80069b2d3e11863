"""What live routing answers: where a ticket is and why, what a request changed, the desk now."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from deskmix.domain.ticket import Tier

ASSIGNED, QUEUED, MSP, DONE = "assigned", "queued", "msp", "done"
OPEN_STATES = (ASSIGNED, QUEUED, MSP)


@dataclass(frozen=True)
class NewTicket:
    """A ticket to route: what a policy needs, and the caller's id for it (else one is made)."""

    domain: str
    tier: Tier
    priority: int
    key: str | None = None
    opened_at: datetime | None = None
    direct: bool = False
    """The ticket goes straight to specialists (stage ``direct``), as the history sends some
    specialist work: the same stage the simulator gives such tickets."""


@dataclass(frozen=True)
class TicketState:
    """Where a live ticket is and why."""

    key: str
    domain: str
    tier: str
    priority: int
    stage: str
    state: str
    agent: str | None
    queue: str | None
    msp: str | None
    reason: str
    work_limit_hours: float | None
    generalist_hours: float
    opened_at: datetime
    queued_at: datetime | None
    assigned_at: datetime | None
    done_at: datetime | None


@dataclass(frozen=True)
class Change:
    """What one request did: the ticket it was about, and tickets agents took from queues as
    a consequence (an agent freed by a completion takes the best waiting ticket)."""

    ticket: TicketState
    policy: str
    handed: list[TicketState] = field(default_factory=list)


@dataclass(frozen=True)
class AgentStatus:
    name: str
    kind: str
    on_shift: bool
    ticket: str | None
    busy_since: datetime | None


@dataclass(frozen=True)
class QueueStatus:
    name: str
    waiting: int
    oldest_wait_hours: float


@dataclass(frozen=True)
class Snapshot:
    version: int
    team: str
    policy: str
    agents: list[AgentStatus]
    queues: list[QueueStatus]
    tickets: dict[str, int]
