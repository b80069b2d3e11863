"""The routing contract: one ``decide(ticket, state) -> Decision`` shared by the live API and the
simulator, so a policy that was simulated is exactly the policy that routes real tickets.

A policy sees tickets and agents through small read-only views (``TicketView``, ``AgentView``,
``RoutingState``); the simulator and the live store each implement ``RoutingState`` over their
own data. A Decision sends the ticket to an agent, to a queue (with who may serve it), or to an
MSP contract, and carries a reason a service manager can read.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from deskmix.domain.team import AgentKind, MspContract
from deskmix.domain.ticket import Tier


class Stage(StrEnum):
    """Where a ticket is in its life when it is routed."""

    NEW = "new"
    ESCALATED = "escalated"
    REOPENED = "reopened"


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


def fewest_other_skills(candidates: Sequence[AgentView], domain: str) -> AgentView:
    """The least versatile capable agent (then cheapest, then by name): keeps all-rounders free."""
    return min(candidates, key=_spare_first)


def _spare_first(agent: AgentView) -> tuple[int, float, str]:
    return agent.spare_first


def hours_text(hours: float) -> str:
    if hours < 1:
        return f"{hours * 60:.0f} min"
    return f"{hours:.1f} h"
