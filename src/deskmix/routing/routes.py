"""A policy's rules written out as a table, for the simulator's compiled loop.

Every built-in policy decides the same way for every ticket of one domain, tier and stage: try
a fixed ranking of agents (or a rotation) and take the first one free; if nobody is, send the
ticket to one queue, or straight to an MSP contract, or to a queue unless it is already too long
(MSP overflow). ``Policy.routes`` writes that down once per team so a compiled loop can apply
it millions of times without calling Python. ``decide`` stays the reference: the simulator's
tests run both and require identical results, bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from deskmix.domain.team import AgentKind, MspContract
from deskmix.domain.ticket import Tier
from deskmix.routing.base import AgentView, QueueSpec, Stage

STAGES: tuple[Stage, ...] = (Stage.NEW, Stage.ESCALATED, Stage.REOPENED, Stage.DIRECT)
"""The stages in the order the compiled loop numbers them (``kernel``'s stage constants)."""


@dataclass(frozen=True)
class Overflow:
    """Hand off to ``contract`` (its index) when the queue has ``max_queue`` waiting or its
    oldest ticket has waited ``max_wait_hours``."""

    contract: int
    max_queue: int
    max_wait_hours: float


@dataclass(frozen=True)
class Route:
    """What a policy does with one kind of ticket, whatever the moment.

    ``rank`` holds agent indices, most preferred first; with ``rotation`` the policy instead
    walks every agent from a moving pointer (round robin) and takes the first free one able to
    resolve the ticket. When nobody is free the ticket goes to ``queue`` (with ``overflow`` to
    an MSP when that queue is too long) or, if ``queue`` is None, to the contract ``msp``.
    """

    rank: tuple[int, ...] = ()
    rotation: bool = False
    agent_limit_hours: float | None = None
    queue: QueueSpec | None = None
    queue_limit_hours: float | None = None
    msp: int | None = None
    overflow: Overflow | None = None

    def __post_init__(self) -> None:
        if (self.queue is None) == (self.msp is None):
            raise ValueError("a Route ends in exactly one queue or MSP contract")


Routes = dict[tuple[int, int, Stage], Route]
"""Routes by (domain index, tier index, stage)."""


@dataclass(frozen=True)
class RouteTable:
    """A policy's routes, and where a rotation starts (round robin's pointer)."""

    routes: Routes
    rotation_start: int = 0


def covering_index(contracts: Sequence[MspContract], domain: str, tier: Tier) -> int | None:
    """The first contract that covers this work, as an index (the order policies use)."""
    return next((i for i, c in enumerate(contracts) if c.covers(domain, tier)), None)


def able(team: Sequence[AgentView], domain: str, tier: Tier, kind: AgentKind | None = None) -> bool:
    """Can anybody in the team (of ``kind`` if given) resolve this work at all?"""
    return any(a.can_resolve(domain, tier) and (kind is None or a.kind == kind) for a in team)
