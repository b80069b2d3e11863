"""Invariants of the engine, on generated teams, workloads and policies (hypothesis)."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmix.domain import ArrivalStream, Priority, Tier, Workload
from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import Agent, AgentKind, MspContract, Shift, Team
from deskmix.domain.workload import EscalationStats
from deskmix.routing import make_policy
from deskmix.sim import SimSettings, compile_model, run_replication
from deskmix.sim.arrivals import draw_tickets
from tests.sim.helpers import ALL_WEEK, handling, pool_team, single_pool, two_domains

DOMAINS = ["end_user", "network", "security"]
SETTINGS = SimSettings(weeks=1, warmup_weeks=0.5, drain_weeks=4)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Workload, Team, str]:
    streams = [
        ArrivalStream(
            domain=d,
            tier=t,
            priority=draw(st.sampled_from(list(Priority))),
            tickets_per_week=draw(st.floats(1, 60)),
            observed=1,
        )
        for d in DOMAINS
        for t in (Tier.GENERALIST, Tier.SPECIALIST)
        if draw(st.booleans())
    ] or [
        ArrivalStream(
            domain="end_user",
            tier=Tier.GENERALIST,
            priority=Priority.P3,
            tickets_per_week=20,
            observed=1,
        )
    ]
    workload = Workload(
        name="generated",
        arrivals=streams,
        handling=[
            handling(d, t, draw(st.floats(0.1, 3)))
            for d in DOMAINS
            for t in (Tier.GENERALIST, Tier.SPECIALIST)
        ],
        # Escalation rates send a share of specialist work straight to specialists (DIRECT).
        escalation=[
            EscalationStats(
                domain=d,
                tickets=1,
                escalation_rate=draw(st.none() | st.floats(0, 1)),
                reopen_rate=draw(st.none() | st.floats(0, 0.5)),
            )
            for d in DOMAINS
        ],
    )
    shift = draw(st.sampled_from([ALL_WEEK, [Shift()], [Shift(start="06:00", end="14:00")]]))
    agents = [
        Agent(name=f"g{i}", kind=AgentKind.GENERALIST, cost_per_hour=30, shifts=shift)
        for i in range(draw(st.integers(1, 3)))
    ]
    for i in range(draw(st.integers(0, 3))):
        skills = {d: draw(st.integers(0, 5)) for d in DOMAINS}
        agents.append(
            Agent(
                name=f"s{i}",
                kind=AgentKind.SPECIALIST,
                skills=skills,
                cost_per_hour=60,
                shifts=ALL_WEEK,
            )
        )
    msp = (
        [MspContract(name="msp", domains=DOMAINS, response_hours=2)] if draw(st.booleans()) else []
    )
    policy = draw(
        st.sampled_from(["generalist_first", "skills_based", "msp_overflow", "round_robin"])
    )
    return workload, Team(name="t", agents=agents, msp=msp), policy


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_no_ticket_lost_or_double_served_and_no_agent_double_booked(
    scenario: tuple[Workload, Team, str], seed: int
) -> None:
    workload, team, policy = scenario
    model = compile_model(workload, team, SlaPolicy.default(), SETTINGS)
    result = run_replication(model, make_policy(policy), seed, audit=True)
    by_agent: dict[int, list[tuple[float, float]]] = defaultdict(list)
    by_ticket: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for agent, ticket, start, end in result.segments:
        assert end >= start
        by_agent[agent].append((start, end))
        by_ticket[ticket].append((start, end))
        # Work happens only while the agent is on shift: it pauses at a shift's end.
        if end > start:
            hours = range(int(start), int(np.ceil(end)))
            assert all(model.available[agent, h] for h in hours), (agent, start, end)
    for spans in (*by_agent.values(), *by_ticket.values()):
        spans.sort()
        for (_, end), (start, _) in pairwise(spans):
            assert start >= end - 1e-9  # one ticket per agent, one agent per ticket at a time
    resolved = result.resolved
    done = ~np.isnan(resolved)
    assert (resolved[done] >= result.arrival[done]).all()
    # A resolved ticket was worked by someone or by the MSP; nothing resolves untouched.
    for index in np.flatnonzero(done):
        assert by_ticket.get(int(index)) or result.msp[index] >= 0
    # Every ticket is accounted for: resolved, or still open at the end.
    assert len(resolved) == len(result.arrival)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 6), st.floats(0.5, 20), st.integers(0, 2**32 - 1))
def test_work_is_conserved_in_a_single_pool(servers: int, rate: float, seed: int) -> None:
    model = compile_model(
        single_pool(rate / 10, 1.0), pool_team(servers), SlaPolicy.default(), SETTINGS
    )
    result = run_replication(model, make_policy("skills_based"), seed, audit=True)
    draws = draw_tickets(model, np.random.default_rng(seed))
    worked: dict[int, float] = defaultdict(float)
    for _, ticket, start, end in result.segments:
        worked[ticket] += end - start
    for index in np.flatnonzero(~np.isnan(result.resolved) & ~result.reopened):
        assert (
            worked[int(index)] == np.float64(draws.work[index])
            or abs(worked[int(index)] - draws.work[index]) < 1e-9
        )


def test_with_no_load_nothing_waits() -> None:
    model = compile_model(single_pool(0.05, 0.5), pool_team(8), SlaPolicy.default(), SETTINGS)
    result = run_replication(model, make_policy("generalist_first"), 3)
    wait = result.first_response - result.arrival
    assert len(wait) > 0
    assert np.nanmax(wait) == 0.0


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 6), st.floats(0.3, 0.95), st.integers(0, 2**32 - 1))
def test_more_agents_never_worsen_mean_wait(servers: int, rho: float, seed: int) -> None:
    workload = single_pool(rho * servers, 1.0)
    waits = []
    for size in (servers, servers + 1, servers + 3):
        model = compile_model(workload, pool_team(size), SlaPolicy.default(), SETTINGS)
        result = run_replication(model, make_policy("skills_based"), seed)
        waits.append(float(np.nanmean(result.first_response - result.arrival)))
    assert waits[0] >= waits[1] - 1e-9
    assert waits[1] >= waits[2] - 1e-9


def test_policies_on_the_same_seed_see_the_same_tickets() -> None:
    workload = two_domains(200, 80)
    team = Team(
        name="mixed",
        agents=[
            *pool_team(2).agents,
            Agent(
                name="net",
                kind=AgentKind.SPECIALIST,
                skills={"network": 4},
                cost_per_hour=60,
                shifts=ALL_WEEK,
            ),
        ],
    )
    model = compile_model(workload, team, SlaPolicy.default(), SETTINGS)
    first = run_replication(model, make_policy("generalist_first"), 11, audit=True)
    second = run_replication(model, make_policy("skills_based"), 11, audit=True)
    np.testing.assert_array_equal(first.arrival, second.arrival)
    np.testing.assert_array_equal(first.priority, second.priority)
    np.testing.assert_array_equal(first.domain, second.domain)

    # Same draws: the specialist's work on a ticket is identical under both policies.
    def specialist_work(result: object) -> dict[int, float]:
        out: dict[int, float] = {}
        for agent, ticket, start, end in result.segments:  # type: ignore[attr-defined]
            if agent == 2:
                out[ticket] = end - start
        return out

    a, b = specialist_work(first), specialist_work(second)
    shared = set(a) & set(b)
    assert len(shared) > 20
    assert all(abs(a[t] - b[t]) < 1e-9 for t in shared)
    # And generalist-first really spends first-line time on network tickets before escalating.
    assert (first.escalations > 0).sum() > 0
    assert (second.escalations > 0).sum() == 0


def test_same_seed_same_numbers_bit_for_bit() -> None:
    model = compile_model(single_pool(3, 1.0), pool_team(4), SlaPolicy.default(), SETTINGS)
    one = run_replication(model, make_policy("generalist_first"), 5)
    two = run_replication(model, make_policy("generalist_first"), 5)
    assert one.resolved.tobytes() == two.resolved.tobytes()
    assert one.busy_hours.tobytes() == two.busy_hours.tobytes()
