"""What live routing answers: where a ticket is and why, what a request changed, the desk now.

``TicketState`` is the one model of a live ticket's answer: the desk returns it, and the API
returns it as it is (its JSON schema is the API's ``LiveTicketOut``), so its fields are listed
once, with their descriptions. Its states are ``TicketStatus``, whose values are the strings
the store keeps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from deskmix.domain.ticket import Tier
from deskmix.routing.base import Stage


class TicketStatus(StrEnum):
    """Where a live ticket is; the values are what ``live_tickets.state`` stores."""

    ASSIGNED = "assigned"
    """An agent works on it (or holds it while off shift)."""
    QUEUED = "queued"
    MSP = "msp"
    """Handed to an MSP contract."""
    DONE = "done"


ASSIGNED, QUEUED, MSP, DONE = (
    TicketStatus.ASSIGNED,
    TicketStatus.QUEUED,
    TicketStatus.MSP,
    TicketStatus.DONE,
)
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


class TicketState(BaseModel):
    """A live ticket: where it is now (state, agent, queue or MSP) and the reason."""

    model_config = ConfigDict(frozen=True, serialize_by_alias=True)

    key: str = Field(
        serialization_alias="id", description="The ticket's id (yours, or the one deskmix gave it)"
    )
    domain: str
    tier: Tier
    priority: int = Field(description="1 (P1) .. 5 (P5)")
    stage: Stage = Field(description="new, direct (straight to specialists) or escalated")
    state: TicketStatus
    agent: str | None
    queue: str | None
    msp: str | None
    reason: str = Field(description="Why it went there, in one sentence")
    work_limit_hours: float | None = Field(
        description="Work this long at most before escalating (generalist-first's limit)"
    )
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
