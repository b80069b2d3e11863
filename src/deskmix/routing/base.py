"""The routing contract: one ``decide(ticket, state) -> Decision`` shared by the live API and the
simulator, so a policy that was simulated is exactly the policy that routes real tickets.

A policy sees tickets and agents through small read-only views (``TicketView``, ``AgentView``,
``RoutingState``); the simulator and the live store each implement ``RoutingState`` over their
own data. A Decision sends the ticket to an agent, to a queue (with who may serve it), or to an
MSP contract, and carries a reason a service manager can read.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from deskmix.domain.team import AgentKind, MspContract
from deskmix.domain.ticket import Tier

if TYPE_CHECKING:
    from deskmix.routing.routes import RouteTable


class Stage(StrEnum):
    """Where a ticket is in its life when it is routed."""

    NEW = "new"
    ESCALATED = "escalated"
    REOPENED = "reopened"
    DIRECT = "direct"
    """A ticket the history says goes straight to a specialist, new or reopened: calibration
    measures how much specialist work skips the first line, and the simulator draws which
    tickets do (``Workload.direct_shares``). Policies without a first line treat it as new."""


GENERALIST_MIN_LEVEL = 1
SPECIALIST_MIN_LEVEL = 3


def required_level(tier: Tier) -> int:
    """Skill level needed to resolve a ticket of this tier in its domain.

    Generalists resolve generalist work in any domain (breadth is their job); anyone else needs
    level 1 in the domain for generalist work and level 3 for specialist work.
    """
    return SPECIALIST_MIN_LEVEL if tier == Tier.SPECIALIST else GENERALIST_MIN_LEVEL


class TicketView(Protocol):
    """What a policy may know about a ticket."""

    @property
    def id(self) -> str: ...
    @property
    def domain(self) -> str: ...
    @property
    def tier(self) -> Tier: ...
    @property
    def priority(self) -> int: ...  # 1 (P1) .. 5 (P5)
    @property
    def stage(self) -> Stage: ...
    @property
    def opened_at(self) -> float: ...  # hours on the state's clock
    @property
    def generalist_hours(self) -> float: ...  # time generalists already spent on it


@dataclass(frozen=True, slots=True)
class AgentView:
    """What a policy may know about an agent. ``index`` is stable for the state's lifetime."""

    index: int
    name: str
    kind: AgentKind
    levels: dict[str, int]
    cost_per_hour: float
    # Derived once: policies read these for every ticket, in the simulator's inner loop.
    versatility: int = field(init=False, compare=False)
    """How many domains the agent can work in at all; keeping versatile people free pays."""
    spare_first: tuple[int, float, str] = field(init=False, compare=False)
    """Sort key that puts the least versatile, then cheapest, agent first."""
    _generalist: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        versatility = sum(1 for level in self.levels.values() if level > 0)
        object.__setattr__(self, "versatility", versatility)
        object.__setattr__(self, "spare_first", (versatility, self.cost_per_hour, self.name))
        object.__setattr__(self, "_generalist", self.kind == AgentKind.GENERALIST)

    def level(self, domain: str) -> int:
        return self.levels.get(domain, 0)

    def can_resolve(self, domain: str, tier: Tier) -> bool:
        if tier is Tier.SPECIALIST:
            return self.levels.get(domain, 0) >= SPECIALIST_MIN_LEVEL
        return self._generalist or self.levels.get(domain, 0) >= GENERALIST_MIN_LEVEL


class RoutingState(Protocol):
    """The live picture a policy decides against: who is free, how long queues are."""

    @property
    def now(self) -> float: ...
    @property
    def agents(self) -> Sequence[AgentView]: ...
    @property
    def msp(self) -> Sequence[MspContract]: ...
    def free_agents(self) -> Sequence[AgentView]: ...
    def is_free(self, agent: int) -> bool:
        """Is the agent with this index free (on shift and not working) now?"""
        ...

    def able_count(self, domain: str, tier: Tier, kind: AgentKind | None = None) -> int:
        """How many agents (free or not, of ``kind`` if given) can resolve this work."""
        ...

    def queue_length(self, queue: str) -> int: ...
    def oldest_wait(self, queue: str) -> float: ...


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """A waiting line and who may take work from it.

    An agent may take from the queue when its kind is in ``kinds`` and, if the queue has a
    domain, when it can resolve that domain's work of the queue's tier.
    """

    name: str
    kinds: frozenset[AgentKind] = frozenset(AgentKind)
    domain: str | None = None
    tier: Tier = Tier.GENERALIST

    def admits(self, agent: AgentView) -> bool:
        if agent.kind not in self.kinds:
            return False
        return self.domain is None or agent.can_resolve(self.domain, self.tier)


@dataclass(frozen=True, slots=True)
class Decision:
    """Where a ticket goes, and why in one sentence.

    Exactly one of ``agent``, ``queue`` and ``msp`` is set. ``work_limit_hours`` caps how long
    the receiving agent works before the ticket is escalated (generalist-first's time limit).
    A generalist given specialist-tier work under a limit makes an attempt and escalates,
    whatever its level: the calibrated tier says a specialist held such work.
    """

    reason: str
    agent: AgentView | None = None
    queue: QueueSpec | None = None
    msp: MspContract | None = None
    work_limit_hours: float | None = None

    def __post_init__(self) -> None:
        unset = (self.agent is None) + (self.queue is None) + (self.msp is None)
        if unset != 2:
            raise ValueError("a Decision sends the ticket to exactly one agent, queue or MSP")


@dataclass
class Policy(ABC):
    """Base of every routing rule. Subclass it, implement ``decide``, register it by name.

    ``decide`` must be pure with respect to the state (no side effects): the caller applies the
    decision. Policies may keep their own small memory (round-robin's pointer) in fields.
    """

    name: str = field(default="policy", init=False)

    @abstractmethod
    def decide(self, ticket: TicketView, state: RoutingState) -> Decision:
        """Send ``ticket`` somewhere now."""

    def describe(self) -> str:
        """One line for reports: the policy and its settings."""
        return self.name

    def memory(self) -> int:
        """The policy's own memory as one number (round robin: whose turn is next); 0 for a
        policy without one.

        A live desk served by several processes keeps it in the store and hands it to
        ``recall`` before each batch, so all of them continue one rotation, as the simulator's
        single policy object does.
        """
        return 0

    def recall(self, memory: int) -> None:  # noqa: B027 - optional: most policies keep none
        """Continue from a memory another process stored (see ``memory``)."""

    def routes(
        self, team: Sequence[AgentView], contracts: Sequence[MspContract], domains: Sequence[str]
    ) -> RouteTable | None:
        """The policy as a table the simulator's compiled loop can apply, or None.

        Optional: a policy whose choice depends on more than a fixed ranking and queue lengths
        returns None (the default) and the simulator calls ``decide`` for every ticket, which
        is exact but several times slower. A policy that returns a table must decide exactly
        as the table says; the simulator's tests check the built-in ones bit for bit.
        """
        return None


def hours_text(hours: float) -> str:
    if hours < 1:
        return f"{hours * 60:.0f} min"
    return f"{hours:.1f} h"


class Ranking:
    """Agents in a policy's order of preference, with each one's place for quick lookups."""

    __slots__ = ("agents", "place")

    def __init__(self, agents: list[AgentView]) -> None:
        self.agents = agents
        self.place = {a.index: i for i, a in enumerate(agents)}

    def __len__(self) -> int:
        return len(self.agents)

    def first_free(self, state: RoutingState) -> AgentView | None:
        """The most preferred free agent, or None.

        Walks whichever is shorter: the free agents (looking up their places) or the ranking
        (asking who is free), so a busy desk and a quiet one are both cheap.
        """
        free = state.free_agents()
        if len(free) * 4 < len(self.agents):
            best: AgentView | None = None
            best_place = len(self.agents)
            place = self.place
            for agent in free:
                at = place.get(agent.index)
                if at is not None and at < best_place:
                    best, best_place = agent, at
            return best
        is_free = state.is_free
        for agent in self.agents:
            if is_free(agent.index):
                return agent
        return None


class RankedAgents:
    """Agents put in a policy's order of preference once per team, per question.

    A policy's preference (least versatile first, strongest in the domain first) depends on
    the team, not on the moment, so it is sorted once and each decision takes the first free
    agent in that order: the simulator asks this for every ticket.
    """

    def __init__(self) -> None:
        self._team: Sequence[AgentView] | None = None
        self._orders: dict[object, Ranking] = {}
        self._facts: dict[object, bool] = {}

    def _same_team(self, state: RoutingState) -> None:
        team = state.agents
        if team is not self._team:
            self._team, self._orders, self._facts = team, {}, {}

    def fact(self, state: RoutingState, question: object, answer: Callable[[], bool]) -> bool:
        """A yes/no about the team (say, "is there anyone to escalate network work to?"),
        worked out once per team."""
        self._same_team(state)
        known = self._facts.get(question)
        if known is None:
            known = self._facts[question] = answer()
        return known

    def order(
        self,
        state: RoutingState,
        question: object,
        build: Callable[[Sequence[AgentView]], list[AgentView]],
    ) -> Ranking:
        self._same_team(state)
        ranked = self._orders.get(question)
        if ranked is None:
            ranked = self._orders[question] = Ranking(build(state.agents))
        return ranked
