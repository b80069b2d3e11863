"""A live ticket in a batch's memory (``Record``) and a queue as a batch knows it (``Line``).

A batch reads only the tickets its operations name and the heads of the queues it needs, so
each queue is kept as counts (what the store holds, what joined and left since) plus a heap of
the tickets read so far, in queue order (``routing.dispatch.queue_order``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from deskmix.domain.ticket import Tier
from deskmix.live.results import QUEUED, TicketState, TicketStatus
from deskmix.live.team import LiveTeam
from deskmix.routing.base import Stage
from deskmix.routing.dispatch import queue_order


def utc(value: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (raw driver rows bypass the column type)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Ticket columns an operation may change; every changed ticket writes all of them, so one
# statement (executemany) writes them all.
CHANGING = (
    "stage",
    "state",
    "agent_id",
    "queue",
    "msp",
    "reason",
    "work_limit_hours",
    "generalist_hours",
    "queued_at",
    "assigned_at",
    "done_at",
)
NOT_WAITING, WAITING_STORED, WAITING_JOINED = 0, 1, 2
"""How a ticket is counted in its queue: not, as read from the store, or as queued now."""

SHARED = tuple(name for name in TicketState.model_fields if name != "agent")
"""The fields a ticket's answer (``TicketState``) shares with its record and stored row."""

SortKey = tuple[int, datetime, tuple[int, int]]
"""A queued ticket's ``queue_order``: priority, opened, then (0, id) for a stored ticket and
(1, creation order) for one new in this batch (it gets a larger id when inserted)."""


@dataclass(slots=True, eq=False)
class Record:
    """A live ticket in the batch's memory; ``id`` stays None until a new one is inserted."""

    key: str
    domain: str
    tier: Tier
    priority: int
    stage: Stage
    state: TicketStatus
    agent_id: int | None
    queue: str | None
    msp: str | None
    reason: str
    work_limit_hours: float | None
    generalist_hours: float
    opened_at: datetime
    queued_at: datetime | None
    assigned_at: datetime | None
    done_at: datetime | None
    id: int | None = None
    seq: int = 0
    """Creation order within the batch: new tickets get their ids in this order."""
    stored_state: TicketStatus | None = None
    stored_agent: int | None = None
    waiting: int = NOT_WAITING
    """How the ticket is counted in its queue: not, as read from the store, or as queued now."""
    dirty: bool = False

    @classmethod
    def stored(cls, row: Mapping[str, Any]) -> Record:
        opened = utc(row["opened_at"])
        assert opened is not None
        return cls(
            key=row["key"],
            domain=row["domain"],
            tier=Tier(row["tier"]),
            priority=row["priority"],
            stage=Stage(row["stage"]),
            state=TicketStatus(row["state"]),
            agent_id=row["agent_id"],
            queue=row["queue"],
            msp=row["msp"],
            reason=row["reason"],
            work_limit_hours=row["work_limit_hours"],
            generalist_hours=row["generalist_hours"],
            opened_at=opened,
            queued_at=utc(row["queued_at"]),
            assigned_at=utc(row["assigned_at"]),
            done_at=utc(row["done_at"]),
            id=row["id"],
            stored_state=TicketStatus(row["state"]),
            stored_agent=row["agent_id"],
            waiting=WAITING_STORED if row["state"] == QUEUED else NOT_WAITING,
        )

    @property
    def order(self) -> SortKey:
        """Queue order (``dispatch.queue_order``) as the store sorts it: priority, opened, id.
        A new ticket sorts after stored ones opened at the same instant, as the id it will get
        is larger."""
        if self.id is not None:
            return queue_order(self.priority, self.opened_at, (0, self.id))
        return queue_order(self.priority, self.opened_at, (1, self.seq))

    def now_state(self, team: LiveTeam) -> TicketState:
        """The ticket as the desk answers it: every field of ``TicketState`` is the record's
        own but ``agent``, the holder's name."""
        position = team.position_of(self.agent_id)
        values = {name: getattr(self, name) for name in SHARED}
        values["agent"] = team.agents[position].name if position is not None else None
        # Validated construction is pydantic's fastest (compiled), faster than model_construct.
        return TicketState(**values)

    def _stored(self) -> dict[str, Any]:
        """The changing columns as stored: enums as their plain string values."""
        values = {name: getattr(self, name) for name in CHANGING}
        values["stage"] = self.stage.value
        values["state"] = self.state.value
        return values

    def params(self) -> dict[str, Any]:
        values = {f"b_{name}": value for name, value in self._stored().items()}
        values["b_id"] = self.id
        return values

    def row(self) -> dict[str, Any]:
        values = self._stored()
        values.update(
            key=self.key,
            domain=self.domain,
            tier=self.tier.value,
            priority=self.priority,
            opened_at=self.opened_at,
        )
        return values


@dataclass(eq=False)
class Line:
    """One queue as the batch knows it: how many wait, the oldest, and the head candidates."""

    waiting_stored: int
    """Tickets waiting in the store when the batch began that have not left since."""
    oldest_stored: datetime | None
    oldest_stale: bool = False
    left: list[int] = field(default_factory=list)  # ids of stored waiting tickets that left
    joined: list[Record] = field(default_factory=list)  # queued during the batch
    joined_waiting: int = 0
    heap: list[tuple[SortKey, int, Record]] = field(default_factory=list)
    complete: bool = False  # every stored waiting ticket has been read into the heap
    last: SortKey | None = None  # order of the last stored ticket read (where to go on)

    @property
    def length(self) -> int:
        return self.waiting_stored + self.joined_waiting
