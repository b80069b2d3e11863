"""``check_policy``: does a routing policy behave the same everywhere it runs?

In the spirit of scikit-learn's ``check_estimator``: every policy, built-in or a user's own,
should pass before it is trusted with a plan or with real tickets. A policy runs in three
places, and each pair must agree:

(a) **its route table** (``Policy.routes``, what the compiled simulator applies) against its
    ``decide`` (the definition), over many desk states: every domain, tier and stage of a few
    small teams, with different agents free and queues of different lengths and ages. A policy
    without a table skips this part (the simulator then calls ``decide`` itself);
(b) **the live desk's state machine** (``live/batch.py``) against **the simulator's desk**
    (``sim/desk.py``) on a scripted day: tickets arriving, agents finishing or escalating
    work, shifts starting and ending, at fixed times. Both must place the same tickets in the
    same order (which agent, which queue, which MSP contract). This catches a policy that
    reads what only one desk has (the clock's absolute value, say) or keeps memory the live
    desk does not hand back (``Policy.memory``).

A failure raises ``PolicyCheckError`` naming the first disagreement; ``tests/routing`` runs it
for every registered policy, so it also holds the two desks to one another.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from deskmix.domain.team import AgentKind, MspContract
from deskmix.domain.ticket import Tier
from deskmix.errors import DeskmixError
from deskmix.routing.base import AgentView, Decision, Policy, Stage
from deskmix.routing.routes import STAGES, Route

G, S = AgentKind.GENERALIST, AgentKind.SPECIALIST
DOMAINS = ("end_user", "network", "security", "cloud", "data_db")
"""``data_db``: nobody in-house can do it, so its work goes to an MSP or waits."""
CONTRACTS = [
    MspContract(name="NetOps", domains=["network", "data_db"], response_hours=2),
    MspContract(name="CloudCo", domains=["cloud"], tiers=[Tier.GENERALIST, Tier.SPECIALIST]),
]

Member = tuple[str, AgentKind, dict[str, int], float]
TEAMS: dict[str, list[Member]] = {
    "mixed": [
        ("Ana", G, {"end_user": 3, "network": 1}, 40),
        ("Ben", G, {"end_user": 2}, 38),
        ("Cleo", G, {"end_user": 1, "security": 1}, 39),
        ("Dana", S, {"network": 4, "security": 3, "cloud": 3}, 60),
        ("Eli", S, {"network": 3}, 55),
        ("Fay", S, {"security": 4}, 58),
    ],
    "no first line": [
        ("Dana", S, {"network": 4, "security": 3, "end_user": 2}, 60),
        ("Eli", S, {"network": 3, "end_user": 1}, 55),
    ],
    "first line only": [
        ("Ana", G, {"end_user": 3, "network": 2}, 40),
        ("Ben", G, {"end_user": 2, "security": 3}, 38),
    ],
}
"""Small teams whose gaps exercise every kind of route: ranked agents, queues, MSP hand-offs,
no specialist to escalate to, no generalist to start with."""


class PolicyCheckError(DeskmixError):
    """A policy does not decide the same way in every place it runs (see ``check_policy``)."""


@dataclass(frozen=True)
class PolicyCheck:
    """What ``check_policy`` compared: desk states against the route table (0 when the
    policy has none) and placements on the scripted day."""

    policy: str
    table_states: int
    day_placements: int


def team_views(name: str) -> list[AgentView]:
    return [
        AgentView(i, who, kind, dict(levels), cost)
        for i, (who, kind, levels, cost) in enumerate(TEAMS[name])
    ]


def check_policy(policy: Policy) -> PolicyCheck:
    """Raise ``PolicyCheckError`` unless ``policy`` decides alike in its route table, the
    simulator and the live desk; the policy itself is not changed (each part uses a copy)."""
    states = check_route_table(policy)
    placements = check_scripted_day(policy)
    return PolicyCheck(policy.name, states, placements)


# -- (a) decide against the route table ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ticket:
    id: str
    domain: str
    tier: Tier
    priority: int
    stage: Stage
    opened_at: float
    generalist_hours: float


class _Moment:
    """A desk state made up for the check (a ``RoutingState``): who is free, and every queue
    as long and as old as the moment says."""

    def __init__(
        self,
        agents: list[AgentView],
        free: frozenset[int],
        waiting: int,
        oldest: float,
    ) -> None:
        self.now = 100.0
        self.agents = agents
        self.msp = CONTRACTS
        self.free = free
        self._free = [a for a in agents if a.index in free]
        self.waiting, self.oldest = waiting, oldest

    def free_agents(self) -> list[AgentView]:
        return self._free

    def is_free(self, agent: int) -> bool:
        return agent in self.free

    def able_count(self, domain: str, tier: Tier, kind: AgentKind | None = None) -> int:
        return sum(
            1
            for a in self.agents
            if a.can_resolve(domain, tier) and (kind is None or a.kind == kind)
        )

    def queue_length(self, queue: str) -> int:
        return self.waiting

    def oldest_wait(self, queue: str) -> float:
        return self.oldest if self.waiting else 0.0

    def describe(self) -> str:
        free = ", ".join(a.name for a in self._free) or "nobody"
        return f"free: {free}; every queue {self.waiting} waiting, oldest {self.oldest:g} h"


Placement = tuple[str, str, object]
"""(``agent``/``queue``/``msp``, its name, the work limit or the queue's spec)."""


def _placement(decision: Decision) -> Placement:
    if decision.agent is not None:
        return ("agent", decision.agent.name, decision.work_limit_hours)
    if decision.msp is not None:
        return ("msp", decision.msp.name, None)
    assert decision.queue is not None
    return ("queue", decision.queue.name, (decision.queue, decision.work_limit_hours))


def _table_says(
    route: Route, rotation_start: int, ticket: _Ticket, moment: _Moment
) -> tuple[Placement, AgentView | None]:
    """What the compiled loop does with this route (``kernel.simulate_compiled``)."""
    agents = moment.agents
    chosen: AgentView | None = None
    if route.rotation:
        for step in range(len(agents)):
            agent = agents[(rotation_start + step) % len(agents)]
            if moment.is_free(agent.index) and agent.can_resolve(ticket.domain, ticket.tier):
                chosen = agent
                break
    else:
        chosen = next((agents[i] for i in route.rank if moment.is_free(i)), None)
    if chosen is not None:
        return ("agent", chosen.name, route.agent_limit_hours), chosen
    if route.queue is None:
        assert route.msp is not None
        return ("msp", CONTRACTS[route.msp].name, None), None
    overflow = route.overflow
    if overflow is not None and (
        moment.queue_length(route.queue.name) >= overflow.max_queue
        or moment.oldest_wait(route.queue.name) >= overflow.max_wait_hours
    ):
        return ("msp", CONTRACTS[overflow.contract].name, None), None
    return ("queue", route.queue.name, (route.queue, route.queue_limit_hours)), None


def _said(placement: Placement) -> str:
    kind, name, extra = placement
    if kind == "agent":
        limit = f" with a {extra:g} h limit" if isinstance(extra, float) else ""
        return f"to {name}{limit}"
    if kind == "msp":
        return f"to the MSP contract {name}"
    spec, limit = extra if isinstance(extra, tuple) else (None, None)
    limit_text = f" with a {limit:g} h limit" if isinstance(limit, float) else ""
    return f"to the queue {name} ({spec}){limit_text}"


def _moments(agents: list[AgentView], rng: random.Random) -> list[_Moment]:
    everyone = frozenset(a.index for a in agents)
    frees = [everyone, frozenset()]
    frees += [frozenset({a.index}) for a in agents]
    frees += [everyone - {a.index} for a in agents]
    frees += [frozenset(a.index for a in agents if rng.random() < 0.5) for _ in range(6)]
    queues = [(0, 0.0), (3, 0.5), (12, 0.5), (3, 4.0)]
    return [_Moment(agents, free, n, age) for free in frees for n, age in queues]


def check_route_table(policy: Policy) -> int:
    """Part (a): the policy's ``decide`` against its route table; returns the number of desk
    states compared (0: the policy has no table)."""
    rng = random.Random(20)
    compared = 0
    for team_name in TEAMS:
        agents = team_views(team_name)
        own = copy.deepcopy(policy)
        table = own.routes(agents, CONTRACTS, DOMAINS)
        if table is None:
            return 0
        memory = own.memory()
        for moment in _moments(agents, rng):
            for d_index, domain in enumerate(DOMAINS):
                for t_index, tier in enumerate(Tier):
                    for stage in STAGES:
                        spent = 0.75 if stage == Stage.ESCALATED else 0.0
                        ticket = _Ticket("T1", domain, tier, 2, stage, 99.0, spent)
                        if own.memory() != memory:  # round robin moved on: a new table
                            memory = own.memory()
                            table = own.routes(agents, CONTRACTS, DOMAINS)
                            assert table is not None
                        route = table.routes[(d_index, t_index, stage)]
                        want, chosen = _table_says(route, table.rotation_start, ticket, moment)
                        try:
                            got = _placement(own.decide(ticket, moment))
                        except Exception as exc:  # a policy's bug, reported with the state
                            raise PolicyCheckError(
                                f"policy '{policy.name}': decide failed for {domain} {tier} "
                                f"work at stage {stage} (team '{team_name}'; "
                                f"{moment.describe()}): {exc!r}"
                            ) from exc
                        if got != want:
                            raise PolicyCheckError(
                                f"policy '{policy.name}': decide disagrees with its route "
                                f"table for {domain} {tier} work at stage {stage} (team "
                                f"'{team_name}'; {moment.describe()}): decide sends it "
                                f"{_said(got)}, the table {_said(want)}"
                            )
                        if route.rotation and chosen is not None:
                            expected = (chosen.index + 1) % len(agents)
                            if own.memory() != expected:
                                raise PolicyCheckError(
                                    f"policy '{policy.name}': after sending {domain} {tier} "
                                    f"work to {chosen.name} its rotation is at "
                                    f"{own.memory()}, the table's at {expected} (team "
                                    f"'{team_name}')"
                                )
                        compared += 1
    return compared


# -- (b) the live desk against the simulator on a scripted day -----------------------------

ARRIVE, FINISH, ESCALATE, SHIFT = "arrives", "finishes", "escalates", "shift"


@dataclass(frozen=True)
class Step:
    """One moment of the scripted day, ``at`` hours after it starts.

    ``ARRIVE``: a new ticket (``domain``, ``tier``, ``priority``, ``direct``); ``FINISH`` /
    ``ESCALATE``: ``agent`` resolves / escalates the ticket in hand (skipped when the agent
    holds none); ``SHIFT``: ``agent``'s shift starts (``on``) or ends.
    """

    at: float
    kind: str
    agent: str = ""
    domain: str = ""
    tier: Tier = Tier.GENERALIST
    priority: int = 3
    direct: bool = False
    on: bool = True

    def describe(self, key: str | None = None) -> str:
        when = f"at {self.at:.2f} h"
        if self.kind == ARRIVE:
            direct = ", direct" if self.direct else ""
            return f"{when} {key} arrives ({self.domain} {self.tier} P{self.priority}{direct})"
        if self.kind == SHIFT:
            return f"{when} {self.agent}'s shift {'starts' if self.on else 'ends'}"
        return f"{when} {self.agent} {self.kind} {key}"


def scripted_day(agents: Sequence[AgentView], seed: int = 20, steps: int = 90) -> list[Step]:
    """A busy morning: mostly arrivals, agents finishing and escalating work, a few shift
    changes; irregular times (so no wait lands exactly on a policy's limit)."""
    rng = random.Random(seed)
    names = [a.name for a in agents]
    on = dict.fromkeys(names, True)
    at = 0.0
    day: list[Step] = []
    for _ in range(steps):
        at += rng.uniform(0.02, 0.25)
        roll = rng.random()
        if roll < 0.45:
            tier = Tier.SPECIALIST if rng.random() < 0.45 else Tier.GENERALIST
            day.append(
                Step(
                    at,
                    ARRIVE,
                    domain=rng.choice(DOMAINS),
                    tier=tier,
                    priority=rng.choice((1, 2, 3, 3, 4, 5)),
                    direct=tier == Tier.SPECIALIST and rng.random() < 0.3,
                )
            )
        elif roll < 0.8:
            day.append(Step(at, FINISH, agent=rng.choice(names)))
        elif roll < 0.92:
            day.append(Step(at, ESCALATE, agent=rng.choice(names)))
        else:
            who = rng.choice(names)
            on[who] = not on[who]
            day.append(Step(at, SHIFT, agent=who, on=on[who]))
    return day


Log = list[tuple[str, str, str, float | None]]
"""Placements in order: (ticket key, ``agent``/``queue``/``msp``/``refused``, the name or
the refusal, the work limit)."""


def check_scripted_day(policy: Policy) -> int:
    """Part (b): the same scripted day through the simulator's desk and the live desk's
    state machine; returns the number of placements compared."""
    from deskmix.policycheck.desks import LiveSide, SimSide  # the desks, on first use

    compared = 0
    for team_name in ("mixed", "no first line"):
        agents = team_views(team_name)
        day = scripted_day(agents)
        sim = SimSide(agents, CONTRACTS, DOMAINS, copy.deepcopy(policy))
        live = LiveSide(team_views(team_name), CONTRACTS, copy.deepcopy(policy), day)
        for number, step in enumerate(day):
            key = sim.play(step)
            if key is None:  # the agent held nothing: nothing to do on either desk
                continue
            live.play(step, key)
            _compare(policy.name, team_name, number, step.describe(key), sim.log, live.log)
        compared += len(sim.log)
    return compared


def _compare(policy: str, team: str, number: int, step: str, sim: Log, live: Log) -> None:
    if sim == live:
        return
    at = next(
        (i for i, (a, b) in enumerate(zip(sim, live, strict=False)) if a != b),
        min(len(sim), len(live)),
    )

    def said(log: Log) -> str:
        if at >= len(log):
            return "nothing more"
        key, kind, name, limit = log[at]
        limit_text = "" if limit is None else f" (limit {limit:g} h)"
        if kind == "agent":
            return f"{key} to {name}{limit_text}"
        if kind == "queue":
            return f"{key} to the queue {name}{limit_text}"
        if kind == "msp":
            return f"{key} to the MSP contract {name}"
        return f"{key} nowhere: refused ({name})"

    raise PolicyCheckError(
        f"policy '{policy}' routes differently on the live desk than in the simulator "
        f"(team '{team}', step {number + 1}: {step}): the simulator sends {said(sim)}, "
        f"the live desk {said(live)} (placement {at + 1} of the day)"
    )


DAY_START = datetime(2025, 1, 6, 8, tzinfo=UTC)
"""The live desk's clock at hour 0 of the scripted day (the simulator's starts at 0.0)."""


def day_time(hours: float) -> datetime:
    return DAY_START + timedelta(hours=hours)
