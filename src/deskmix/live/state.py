"""The live ``RoutingState`` and ``TicketView``: what a policy sees, read from the store.

The state is built inside the locked transaction of one request, so what the policy sees is
exactly what the request then changes. Only what a policy asks for is read: queue statistics
are queried on the first ``queue_length``/``oldest_wait`` call, at most once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, func, select

from deskmix.domain.team import AgentKind, MspContract
from deskmix.domain.ticket import Tier
from deskmix.live.tables import AGENTS, TICKETS
from deskmix.live.team import LiveTeam
from deskmix.routing.base import AgentView, Stage


def clock_hours(at: datetime) -> float:
    """Hours since the Unix epoch: the live desk's clock, in the unit policies reason in."""
    return at.timestamp() / 3600.0


def from_hours(hours: float) -> datetime:
    return datetime.fromtimestamp(hours * 3600.0, tz=UTC)


@dataclass(frozen=True, slots=True)
class LiveTicketView:
    """A live ticket as a policy sees it (the ``TicketView`` protocol)."""

    id: str
    domain: str
    tier: Tier
    priority: int
    stage: Stage
    opened_at: float
    generalist_hours: float = 0.0


@dataclass
class LiveState:
    """The ``RoutingState`` of the live desk at ``now`` (hours on the live clock)."""

    team: LiveTeam
    connection: Connection
    now: float
    _free: list[AgentView] = field(default_factory=list)
    _free_set: set[int] = field(default_factory=set)
    _queues: dict[str, tuple[int, float]] | None = None

    @classmethod
    def read(
        cls, connection: Connection, team: LiveTeam, now: float, free: list[int] | None = None
    ) -> LiveState:
        """The state now; ``free`` are the free agents' positions when already read."""
        state = cls(team, connection, now)
        positions = free
        if positions is None:
            rows = connection.execute(
                select(AGENTS.c.position)
                .where(AGENTS.c.on_shift.is_(True), AGENTS.c.ticket_id.is_(None))
                .order_by(AGENTS.c.position)
            )
            positions = [row[0] for row in rows]
        state._free = [team.agents[p] for p in positions]
        state._free_set = set(positions)
        return state

    @property
    def agents(self) -> Sequence[AgentView]:
        return self.team.agents

    @property
    def msp(self) -> Sequence[MspContract]:
        return self.team.msp

    def free_agents(self) -> Sequence[AgentView]:
        return self._free

    def is_free(self, agent: int) -> bool:
        return agent in self._free_set

    def able_count(self, domain: str, tier: Tier, kind: AgentKind | None = None) -> int:
        return self.team.able_count(domain, tier, kind)

    def _queue_stats(self) -> dict[str, tuple[int, float]]:
        if self._queues is None:
            rows = self.connection.execute(
                select(TICKETS.c.queue, func.count(), func.min(TICKETS.c.queued_at))
                .where(TICKETS.c.state == "queued")
                .group_by(TICKETS.c.queue)
            )
            self._queues = {
                name: (count, clock_hours(oldest) if oldest is not None else self.now)
                for name, count, oldest in rows
                if name is not None
            }
        return self._queues

    def queue_length(self, queue: str) -> int:
        return self._queue_stats().get(queue, (0, 0.0))[0]

    def oldest_wait(self, queue: str) -> float:
        stats = self._queue_stats().get(queue)
        return max(0.0, self.now - stats[1]) if stats else 0.0
