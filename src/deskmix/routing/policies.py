"""The built-in routing policies. Each is small on purpose: the reason it gives is the rule.

Write your own by subclassing ``Policy`` (see docs/routing.md) and registering it in
``POLICIES``; the simulator and the API pick it up by name. ``policycheck/check.py``'s
``check_policy`` tells whether it behaves alike everywhere.

Over 400 lines because each policy's ``decide`` and its route table (``routes``) sit side by
side, with the helpers both use: they must say the same thing (``check_policy`` holds them
to it), and reading them together is how a change to one is made in the other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from deskmix.domain.team import AgentKind, MspContract
from deskmix.domain.ticket import Tier
from deskmix.errors import ConfigError
from deskmix.routing.base import (
    SPECIALIST_MIN_LEVEL,
    AgentView,
    Decision,
    Policy,
    QueueSpec,
    RankedAgents,
    RoutingState,
    Stage,
    TicketView,
    hours_text,
)
from deskmix.routing.routes import (
    STAGES,
    Overflow,
    Route,
    Routes,
    RouteTable,
    able,
    covering_index,
)

_GENERALISTS = frozenset({AgentKind.GENERALIST})
_SPECIALISTS = frozenset({AgentKind.SPECIALIST})
_EVERYONE = frozenset(AgentKind)
_FIRST_LINE = QueueSpec("generalists", _GENERALISTS)


def _covering(state: RoutingState, domain: str, tier: Tier) -> MspContract | None:
    found = covering_index(state.msp, domain, tier)
    return None if found is None else state.msp[found]


def _specialist_queue(domain: str) -> QueueSpec:
    return QueueSpec(f"specialists:{domain}", _SPECIALISTS, domain, Tier.SPECIALIST)


def _skill_queue(domain: str, tier: Tier) -> QueueSpec:
    return QueueSpec(f"skill:{domain}:{tier}", _EVERYONE, domain, tier)


def _rotation_queue(domain: str, tier: Tier) -> QueueSpec:
    return QueueSpec(f"rotation:{domain}:{tier}", _EVERYONE, domain, tier)


def _indices(agents: Sequence[AgentView]) -> tuple[int, ...]:
    return tuple(a.index for a in agents)


def _nobody_in_house(state: RoutingState, domain: str, tier: Tier) -> bool:
    return state.able_count(domain, tier) == 0


def _msp_decision(contract: MspContract, domain: str, why: str) -> Decision:
    return Decision(
        msp=contract,
        reason=f"handed to {contract.name} ({domain}, responds within "
        f"{hours_text(contract.response_hours)}): {why}",
    )


def _strongest_generalists(team: Sequence[AgentView], domain: str) -> list[AgentView]:
    """Generalists, strongest in the domain first, then cheapest, then by name."""
    generalists = [a for a in team if a.kind == AgentKind.GENERALIST]
    return sorted(generalists, key=lambda a: (-a.level(domain), a.cost_per_hour, a.name))


def _spare_first(team: Sequence[AgentView], domain: str, tier: Tier) -> list[AgentView]:
    """Agents able to resolve the work, least versatile (then cheapest) first."""
    return sorted((a for a in team if a.can_resolve(domain, tier)), key=lambda a: a.spare_first)


def _has_specialist(state: RoutingState, domain: str) -> bool:
    """Is there a specialist in-house to escalate this domain's work to?"""
    return state.able_count(domain, Tier.SPECIALIST, AgentKind.SPECIALIST) > 0


def _specialists(team: Sequence[AgentView], domain: str) -> list[AgentView]:
    """Specialists deep enough for the domain, least versatile (then cheapest) first."""
    able = [
        a
        for a in team
        if a.kind == AgentKind.SPECIALIST and a.level(domain) >= SPECIALIST_MIN_LEVEL
    ]
    return sorted(able, key=lambda a: a.spare_first)


def _to_specialist(
    ticket: TicketView, state: RoutingState, why: str, ranked: RankedAgents
) -> Decision:
    """Send work that needs depth to a free specialist, else their queue, else an MSP."""
    domain = ticket.domain
    chosen = ranked.order(
        state, ("specialists", domain), lambda team: _specialists(team, domain)
    ).first_free(state)
    if chosen is not None:
        return Decision(
            agent=chosen,
            reason=f"{why} to {chosen.name} ({domain} L{chosen.level(domain)})",
        )
    contract = _covering(state, domain, Tier.SPECIALIST)
    if contract is not None and not _has_specialist(state, domain):
        return _msp_decision(contract, domain, f"{why}; no in-house {domain} specialist")
    queue = _specialist_queue(domain)
    waiting = state.queue_length(queue.name)
    return Decision(
        queue=queue,
        reason=f"{why} to the {domain} specialists' queue: no {domain} skill >= "
        f"{SPECIALIST_MIN_LEVEL} free ({waiting} already waiting)",
    )


def _specialist_route(
    team: Sequence[AgentView], contracts: Sequence[MspContract], domain: str
) -> Route:
    """``_to_specialist`` as a table row."""
    rank = _indices(_specialists(team, domain))
    contract = covering_index(contracts, domain, Tier.SPECIALIST)
    if contract is not None and not able(team, domain, Tier.SPECIALIST, AgentKind.SPECIALIST):
        return Route(rank=rank, msp=contract)
    return Route(rank=rank, queue=_specialist_queue(domain))


def _stage_blind(domains: Sequence[str], route_for: Callable[[str, Tier], Route]) -> Routes:
    """Routes of a policy that treats every stage alike (new, escalated, reopened, direct):
    without a first line, going straight to a specialist is no different from being new."""
    table: Routes = {}
    for d_index, domain in enumerate(domains):
        for t_index, tier in enumerate(Tier):
            route = route_for(domain, tier)
            for stage in STAGES:
                table[(d_index, t_index, stage)] = route
    return table


@dataclass
class GeneralistFirst(Policy):
    """Generalists take everything first; depth is called in by rule or after a time limit.

    Specialist-tier tickets are escalated after the generalist's attempt (at most
    ``time_limit_hours``). Generalist-tier tickets stay with the generalist however long they
    take: the history shows the first line resolves its own work, and escalating it for
    running long made the simulated escalation share far exceed the calibrated one.
    ``escalate_long_work`` restores that rule (generalist work past the limit is escalated).
    Tickets at stage ``DIRECT`` (the history sends them straight to specialists) and
    specialist work of ``direct_domains`` (say, security incidents) skip the first line.
    """

    time_limit_hours: float = 0.75
    direct_domains: tuple[str, ...] = ()
    escalate_long_work: bool = False
    name: str = field(default="generalist_first", init=False)
    _ranked: RankedAgents = field(
        default_factory=RankedAgents, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._then = (
            f"escalating after {hours_text(self.time_limit_hours)} if it needs a specialist"
        )

    def decide(self, ticket: TicketView, state: RoutingState) -> Decision:
        if ticket.stage == Stage.ESCALATED:
            tried = hours_text(ticket.generalist_hours)
            return _to_specialist(
                ticket, state, f"escalated after generalists tried {tried},", self._ranked
            )
        if ticket.stage == Stage.DIRECT:
            return _to_specialist(
                ticket, state, "the history sends this work straight", self._ranked
            )
        if ticket.domain in self.direct_domains and ticket.tier == Tier.SPECIALIST:
            return _to_specialist(ticket, state, f"{ticket.domain} goes straight", self._ranked)
        domain = ticket.domain
        # The limit bounds the attempt on specialist work; generalist work is escalated past it
        # only on request. Either needs someone (in-house or MSP) to escalate to: with nobody,
        # the first line sees the ticket through (a generalist deep enough resolves it).
        has_target = self._ranked.fact(
            state,
            ("escalation target", domain),
            lambda: (
                _has_specialist(state, domain)
                or _covering(state, domain, Tier.SPECIALIST) is not None
            ),
        )
        escalates = ticket.tier == Tier.SPECIALIST or self.escalate_long_work
        limit: float | None = self.time_limit_hours if escalates and has_target else None
        ranked = self._ranked.order(
            state, domain, lambda team: _strongest_generalists(team, domain)
        )
        chosen = ranked.first_free(state)
        if chosen is not None:
            if limit is not None:
                then = self._then
            elif escalates:
                then = "with no specialist to escalate to"
            else:
                then = "to resolve it (first-line work)"
            return Decision(
                agent=chosen,
                work_limit_hours=limit,
                reason=f"{chosen.name} (generalist) takes it first, {then}",
            )
        if state.able_count(domain, Tier.GENERALIST, AgentKind.GENERALIST) == 0:
            return _to_specialist(
                ticket, state, "no generalists in the team: sent straight", self._ranked
            )
        queue = _FIRST_LINE
        return Decision(
            queue=queue,
            work_limit_hours=limit,
            reason="queued for the first line: no generalist free (busy or off shift; "
            f"{state.queue_length(queue.name)} already waiting)",
        )

    def describe(self) -> str:
        direct = f", direct: {', '.join(self.direct_domains)}" if self.direct_domains else ""
        long_work = ", escalating long first-line work" if self.escalate_long_work else ""
        return (
            f"generalist_first (time limit {hours_text(self.time_limit_hours)}{direct}{long_work})"
        )

    def routes(
        self, team: Sequence[AgentView], contracts: Sequence[MspContract], domains: Sequence[str]
    ) -> RouteTable:
        table: Routes = {}
        for d_index, domain in enumerate(domains):
            to_specialist = _specialist_route(team, contracts, domain)
            has_target = (
                able(team, domain, Tier.SPECIALIST, AgentKind.SPECIALIST)
                or covering_index(contracts, domain, Tier.SPECIALIST) is not None
            )
            first_line = _indices(_strongest_generalists(team, domain))
            for t_index, tier in enumerate(Tier):
                first: Route
                if not first_line or (domain in self.direct_domains and tier == Tier.SPECIALIST):
                    first = to_specialist
                else:
                    escalates = tier == Tier.SPECIALIST or self.escalate_long_work
                    limit = self.time_limit_hours if escalates and has_target else None
                    first = Route(
                        rank=first_line,
                        agent_limit_hours=limit,
                        queue=_FIRST_LINE,
                        queue_limit_hours=limit,
                    )
                table[(d_index, t_index, Stage.NEW)] = first
                table[(d_index, t_index, Stage.REOPENED)] = first
                table[(d_index, t_index, Stage.ESCALATED)] = to_specialist
                table[(d_index, t_index, Stage.DIRECT)] = to_specialist
        return RouteTable(table)


@dataclass
class SkillsBased(Policy):
    """The free agent who can resolve the ticket and has the fewest other skills takes it."""

    name: str = field(default="skills_based", init=False)
    _ranked: RankedAgents = field(
        default_factory=RankedAgents, init=False, repr=False, compare=False
    )

    def decide(self, ticket: TicketView, state: RoutingState) -> Decision:
        domain, tier = ticket.domain, ticket.tier
        ranked = self._ranked.order(
            state, (domain, tier), lambda team: _spare_first(team, domain, tier)
        )
        chosen = ranked.first_free(state)
        if chosen is not None:
            return Decision(
                agent=chosen,
                reason=f"{chosen.name} ({domain} L{chosen.level(domain)}) is free and has the "
                f"fewest other skills ({chosen.versatility}) of the {len(ranked)} able",
            )
        contract = _covering(state, domain, tier)
        if contract is not None and _nobody_in_house(state, domain, tier):
            return _msp_decision(contract, domain, f"nobody in-house can resolve {tier} work")
        queue = _skill_queue(domain, tier)
        return Decision(
            queue=queue,
            reason=f"queued for {domain} ({tier}): nobody able is free "
            f"({state.queue_length(queue.name)} already waiting)",
        )

    def routes(
        self, team: Sequence[AgentView], contracts: Sequence[MspContract], domains: Sequence[str]
    ) -> RouteTable:
        def route_for(domain: str, tier: Tier) -> Route:
            rank = _indices(_spare_first(team, domain, tier))
            contract = covering_index(contracts, domain, tier)
            if contract is not None and not rank:
                return Route(rank=rank, msp=contract)
            return Route(rank=rank, queue=_skill_queue(domain, tier))

        return RouteTable(_stage_blind(domains, route_for))


@dataclass
class MspOverflow(Policy):
    """In-house first (by ``inner``); hand off to an MSP when the in-house line is too long."""

    inner: Policy = field(default_factory=GeneralistFirst)
    max_wait_hours: float = 2.0
    max_queue: int = 10
    name: str = field(default="msp_overflow", init=False)

    def decide(self, ticket: TicketView, state: RoutingState) -> Decision:
        decision = self.inner.decide(ticket, state)
        if decision.queue is None:
            return decision
        contract = _covering(state, ticket.domain, ticket.tier)
        if contract is None:
            return decision
        waiting = state.queue_length(decision.queue.name)
        oldest = state.oldest_wait(decision.queue.name)
        if waiting >= self.max_queue or oldest >= self.max_wait_hours:
            return _msp_decision(
                contract,
                ticket.domain,
                f"in-house queue {decision.queue.name} has {waiting} waiting, "
                f"oldest {hours_text(oldest)}",
            )
        return decision

    def describe(self) -> str:
        return (
            f"msp_overflow over {self.inner.describe()} (queue >= {self.max_queue} or wait >= "
            f"{hours_text(self.max_wait_hours)})"
        )

    def routes(
        self, team: Sequence[AgentView], contracts: Sequence[MspContract], domains: Sequence[str]
    ) -> RouteTable | None:
        inner = self.inner.routes(team, contracts, domains)
        if inner is None:
            return None
        table: Routes = {}
        for (d_index, t_index, stage), route in inner.routes.items():
            contract = covering_index(contracts, domains[d_index], list(Tier)[t_index])
            if route.queue is not None and contract is not None:
                overflow = Overflow(contract, self.max_queue, self.max_wait_hours)
                route = replace(route, overflow=overflow)
            table[(d_index, t_index, stage)] = route
        return RouteTable(table, inner.rotation_start)

    def memory(self) -> int:
        return self.inner.memory()

    def recall(self, memory: int) -> None:
        self.inner.recall(memory)


@dataclass
class RoundRobin(Policy):
    """Baseline: the next able agent in a fixed rotation, ignoring skill depth and versatility."""

    _next: int = field(default=0, init=False, repr=False)
    name: str = field(default="round_robin", init=False)

    def decide(self, ticket: TicketView, state: RoutingState) -> Decision:
        agents: Sequence[AgentView] = state.agents
        free = {a.index for a in state.free_agents()}
        count = len(agents)
        for step in range(count):
            agent = agents[(self._next + step) % count]
            if agent.index in free and agent.can_resolve(ticket.domain, ticket.tier):
                self._next = (agent.index + 1) % count
                return Decision(agent=agent, reason=f"{agent.name}: next able agent in rotation")
        queue = _rotation_queue(ticket.domain, ticket.tier)
        return Decision(queue=queue, reason="queued: no able agent free in the rotation")

    def routes(
        self, team: Sequence[AgentView], contracts: Sequence[MspContract], domains: Sequence[str]
    ) -> RouteTable:
        table = _stage_blind(
            domains, lambda domain, tier: Route(rotation=True, queue=_rotation_queue(domain, tier))
        )
        return RouteTable(table, rotation_start=self._next)

    def memory(self) -> int:
        return self._next

    def recall(self, memory: int) -> None:
        self._next = memory


POLICIES: dict[str, Callable[..., Policy]] = {
    "generalist_first": GeneralistFirst,
    "skills_based": SkillsBased,
    "msp_overflow": MspOverflow,
    "round_robin": RoundRobin,
}


def make_policy(name: str, **settings: Any) -> Policy:
    """Build a registered policy by name; ``msp_overflow`` takes ``inner`` as a policy name."""
    if name not in POLICIES:
        raise ConfigError(f"unknown policy '{name}'; expected one of: {', '.join(POLICIES)}")
    if name == "msp_overflow" and isinstance(settings.get("inner"), str):
        settings["inner"] = make_policy(settings["inner"])
    try:
        return POLICIES[name](**settings)
    except TypeError as exc:
        raise ConfigError(f"policy '{name}': {exc}") from exc
