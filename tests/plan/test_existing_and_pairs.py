"""Existing staff who stay, and two-skill cross-training pairs."""

from __future__ import annotations

import pytest

from deskmix.domain import ArrivalStream, Priority, Tier, Workload
from deskmix.plan.design import Design
from deskmix.plan.evaluate import RunSettings
from deskmix.plan.inputs import DEFAULT_CROSS_TRAINING_PREMIUM, Constraints, CostTable
from deskmix.plan.moves import allowed, neighbours
from deskmix.plan.problem import PlanProblem
from deskmix.plan.result import PlanResult
from deskmix.plan.search import Planner
from tests.plan.helpers import (
    ALL_WEEK,
    costs,
    generalists,
    network_msp,
    sla,
    two_pool_workload,
    two_quiet_domains,
)
from tests.sim.helpers import handling

RUN = RunSettings(reps=6, weeks=4, workers=1)


def _plan(planner: Planner) -> PlanResult:
    with planner:
        return planner.plan()


def test_staff_who_stay_are_kept_paid_and_only_topped_up() -> None:
    fresh = _plan(Planner(two_pool_workload(), sla(), costs(), [], RUN))
    assert fresh.recommended.generalists >= 2
    # Two people exactly like the planner's generalist hires: same plan, same cost, fewer hires.
    kept = _plan(Planner(two_pool_workload(), sla(), costs(), [], RUN, existing=generalists(2)))
    names = [a.name for a in kept.evaluation.team.agents]
    assert names[:2] == ["Kept 1", "Kept 2"]
    assert all(n.startswith("New ") for n in names[2:])
    assert kept.recommended.generalists == fresh.recommended.generalists - 2
    assert kept.evaluation.cost.mean == fresh.evaluation.cost.mean
    assert kept.verified
    # More people than needed: none removed, no generalist hired, and all of them paid.
    many = _plan(Planner(two_pool_workload(), sla(), costs(), [], RUN, existing=generalists(8)))
    assert many.recommended.generalists == 0
    assert sum(a.name.startswith("Kept") for a in many.evaluation.team.agents) == 8
    paid_kept = 8 * 30 * 168
    assert many.evaluation.result["cost_people_per_week"].mean >= paid_kept
    assert many.evaluation.cost.mean > fresh.evaluation.cost.mean
    assert any("stay" in r and "included" in r for r in many.reasons)


def test_a_specialist_who_stays_makes_the_msp_useless_for_that_domain() -> None:
    from deskmix.domain.team import Agent, AgentKind, Team

    network = Agent(
        name="Nina",
        kind=AgentKind.SPECIALIST,
        skills={"network": 4},
        cost_per_hour=55,
        shifts=ALL_WEEK,
    )
    today = Team(name="today", agents=[network])
    planner = Planner(
        two_pool_workload(), sla(), costs(1), [network_msp(10.0)], RUN, existing=today
    )
    # The router only hands work to an MSP when nobody in-house can do it.
    assert planner.problem.msp_options() == [()]
    assert planner.problem.minimum("network") == 0  # the bus factor is met by Nina
    plan = _plan(planner)
    assert "Nina" in [a.name for a in plan.evaluation.team.agents]
    assert plan.evaluation.feasible


def test_a_specialist_marked_left_or_absent_does_not_meet_the_bus_factor() -> None:
    """The planner's staff who stay are the people here now, as in the skills review."""
    from deskmix.domain.team import Agent, AgentKind, Team

    for status in ("left", "absent"):
        nina = Agent(
            name="Nina",
            kind=AgentKind.SPECIALIST,
            skills={"network": 4},
            cost_per_hour=55,
            shifts=ALL_WEEK,
            status=status,
        )
        problem = PlanProblem(
            two_pool_workload(), sla(), costs(1), [], RUN, existing=Team(name="t", agents=[nina])
        )
        assert problem.existing_cover.get("network", 0) == 0
        assert problem.minimum("network") == 1  # somebody must be hired (or bought) for it
        assert problem.existing_cost == 0


def _quiet_costs(cross_training: bool) -> CostTable:
    return CostTable(
        generalist=30,
        specialist=50,
        cross_training=cross_training,
        constraints=Constraints(shifts=ALL_WEEK, min_specialists=1),
    )


def test_a_cross_trained_pair_is_chosen_when_it_is_cheaper() -> None:
    pooled = _plan(Planner(two_quiet_domains(), sla(), _quiet_costs(True), [], RUN))
    single = _plan(Planner(two_quiet_domains(), sla(), _quiet_costs(False), [], RUN))
    # Without cross-training each quiet domain pays a whole specialist for its bus factor.
    assert single.recommended.count("network") >= 1 and single.recommended.count("security") >= 1
    assert single.recommended.pairs() == []
    # With it, one person at level 3 in both covers the two domains, and it is cheaper.
    assert pooled.recommended.pairs() == ["network+security"]
    assert pooled.recommended.count("network") == pooled.recommended.count("security") == 0
    assert pooled.evaluation.cost.mean < single.evaluation.cost.mean
    assert pooled.verified
    pair = next(a for a in pooled.evaluation.team.agents if "+" in a.name)
    assert pair.skills == {"network": 3, "security": 3}
    assert pair.cost_per_hour == 50 * (1 + DEFAULT_CROSS_TRAINING_PREMIUM)
    assert any("cross-trained in network and security" in r for r in pooled.reasons)


def test_pair_cost_is_the_dearer_domain_plus_the_premium() -> None:
    table = CostTable(
        generalist=40,
        specialist=60,
        specialist_by_domain={"security": 72},
        cross_training_premium=0.25,
    )
    assert table.pool_cost("network+security") == 72 * 1.25
    assert table.pool_cost("network") == 60 and table.pool_cost("generalists") == 40


def test_descent_offers_merges_and_pooling_of_two_domains() -> None:
    from deskmix.plan.design import Design

    problem = PlanProblem(two_quiet_domains(), sla(), _quiet_costs(True), [], RUN)
    design = Design.of(2, {"network": 2, "security": 1})
    moves = {m.design: m for m in neighbours(problem, design, {"generalists": 1})}
    merged = Design.of(2, {"network": 1, "network+security": 1})
    pooled = Design.of(2, {"network+security": 2})
    assert merged in moves and pooled in moves
    # pooling saves 2 x 50 + 50 - 2 x 55 = 40 an hour; removals never break the bus factor
    assert moves[pooled].saving == pytest.approx(40)
    assert Design.of(2, {"network": 2}) not in moves  # security would be left uncovered
    assert Design.of(2, {"network": 1, "security": 1}) in moves
    assert Design.of(1, {"network": 2, "security": 1}) in moves
    # without cross-training only removals remain
    single = PlanProblem(two_quiet_domains(), sla(), _quiet_costs(False), [], RUN)
    assert all("+" not in p for m in neighbours(single, design, {}) for p in m.design.pools())


def test_descent_can_narrow_a_pair_back_to_one_domain() -> None:
    from deskmix.plan.design import Design

    problem = PlanProblem(two_quiet_domains(), sla(), _quiet_costs(True), [], RUN)
    design = Design.of(2, {"network+security": 2})
    moves = {m.design: m for m in neighbours(problem, design, {"generalists": 1})}
    to_network = Design.of(2, {"network": 1, "network+security": 1})
    to_security = Design.of(2, {"security": 1, "network+security": 1})
    assert to_network in moves and to_security in moves
    # a pair costs 55 an hour and a one-domain specialist 50: narrowing saves the premium
    assert moves[to_network].saving == pytest.approx(5)
    assert "replaced by a network specialist" in moves[to_network].why
    # a lone pair is the only cover of both domains: narrowing it would leave one uncovered
    alone = Design.of(2, {"network+security": 1})
    narrowed = {m.design for m in neighbours(problem, alone, {"generalists": 1})}
    assert Design.of(2, {"network": 1}) not in narrowed
    assert Design.of(2, {"security": 1}) not in narrowed


def _busy_pair_domains(per_week: float) -> Workload:
    """Two specialist domains of ``per_week`` tickets of 1.5 h each, all week."""
    streams = [("end_user", Tier.GENERALIST, 100.0)] + [
        (d, Tier.SPECIALIST, per_week) for d in ("network", "security")
    ]
    return Workload(
        name="busy pair",
        arrivals=[
            ArrivalStream(domain=d, tier=t, priority=Priority.P3, tickets_per_week=n, observed=1)
            for d, t, n in streams
        ],
        handling=[handling("end_user", Tier.GENERALIST, 0.3)]
        + [
            handling(d, t, 1.5 if t == Tier.SPECIALIST else 0.3)
            for d in ("network", "security")
            for t in (Tier.GENERALIST, Tier.SPECIALIST)
        ],
    )


def test_one_cross_trained_person_is_never_given_two_domains_of_work_beyond_their_hours() -> None:
    """Each domain alone fits one person (0.7 and 0.7 Erlangs), both together do not (1.4):
    per-domain floors count a pair in both domains, the joint floor counts them once."""
    busy = PlanProblem(_busy_pair_domains(0.7 * 168 / 1.5), sla(), _quiet_costs(True), [], RUN)
    assert busy.joint_floor(("network", "security"), ()) == 2
    bounds = busy.pool_bounds(())
    floors = busy.floors(bounds, busy.extremes(()))
    two = Design.of(3, {"network": 1, "security": 1})
    assert not allowed(busy, Design.of(3, {"network+security": 1}), floors)
    assert all(
        m.design.pairs() != ["network+security"] or m.design.covering("network") > 1
        for m in neighbours(busy, two, floors)
    )
    quiet = PlanProblem(two_quiet_domains(), sla(), _quiet_costs(True), [], RUN)
    quiet_floors = quiet.floors(quiet.pool_bounds(()), quiet.extremes(()))
    assert allowed(quiet, Design.of(3, {"network+security": 1}), quiet_floors)
    assert any(
        m.design == Design.of(3, {"network+security": 1})
        for m in neighbours(quiet, two, quiet_floors)
    )


def _three_quiet_domains() -> Workload:
    streams = [("end_user", Tier.GENERALIST, 150.0)] + [
        (d, Tier.SPECIALIST, 3.0) for d in ("network", "security", "cloud_infra")
    ]
    domains = ("network", "security", "cloud_infra")
    return Workload(
        name="three quiet domains",
        arrivals=[
            ArrivalStream(domain=d, tier=t, priority=Priority.P3, tickets_per_week=n, observed=1)
            for d, t, n in streams
        ],
        handling=[handling("end_user", Tier.GENERALIST, 0.3)]
        + [handling(d, Tier.GENERALIST, 0.3) for d in domains]
        + [handling(d, Tier.SPECIALIST, 1.5) for d in domains],
    )


def test_one_person_may_be_cross_trained_in_three_domains() -> None:
    """Three quiet domains, one specialist each for the bus factor: one generalist-plus who
    is a specialist in all three covers them for less than three people or a pair and one."""
    plan = _plan(Planner(_three_quiet_domains(), sla(), _quiet_costs(True), [], RUN))
    assert plan.recommended.pairs() == ["cloud_infra+network+security"]
    assert plan.recommended.headcount - plan.recommended.generalists == 1
    person = next(a for a in plan.evaluation.team.agents if "+" in a.name)
    assert {d for d, level in person.skills.items() if level >= 3} == {
        "cloud_infra",
        "network",
        "security",
    }
    assert any("cross-trained in cloud_infra, network and security" in r for r in plan.reasons)
    two_at_most = _quiet_costs(True).model_copy(update={"cross_training_max_domains": 2})
    pairs = _plan(Planner(_three_quiet_domains(), sla(), two_at_most, [], RUN))
    assert all(len(p.split("+")) == 2 for p in pairs.recommended.pairs())
    assert pairs.evaluation.cost.mean > plan.evaluation.cost.mean


def test_two_pairs_sharing_a_domain_are_not_given_three_domains_of_work() -> None:
    """0.8 Erlangs in each of three domains: each pair's two domains (1.6) fit two people,
    the three linked by cloud_infra (2.4) do not; a third person makes it fit."""
    domains = ("network", "security", "cloud_infra")
    per_week = 0.8 * 168 / 1.5
    workload = Workload(
        name="three linked domains",
        arrivals=[
            ArrivalStream(
                domain="end_user",
                tier=Tier.GENERALIST,
                priority=Priority.P3,
                tickets_per_week=100,
                observed=1,
            ),
            *(
                ArrivalStream(
                    domain=d,
                    tier=Tier.SPECIALIST,
                    priority=Priority.P3,
                    tickets_per_week=per_week,
                    observed=1,
                )
                for d in domains
            ),
        ],
        handling=[handling("end_user", Tier.GENERALIST, 0.3)]
        + [handling(d, Tier.GENERALIST, 0.3) for d in domains]
        + [handling(d, Tier.SPECIALIST, 1.5) for d in domains],
    )
    problem = PlanProblem(workload, sla(), _quiet_costs(True), [], RUN)
    floors = problem.floors(problem.pool_bounds(()), problem.extremes(()))
    floors = {k: v for k, v in floors.items() if k == "generalists"}  # the joint rule alone
    two = Design.of(3, {"cloud_infra+network": 1, "cloud_infra+security": 1})
    assert problem.joint_floor(("cloud_infra", "network"), ()) == 2
    assert problem.joint_floor(("cloud_infra", "network", "security"), ()) == 3
    assert not allowed(problem, two, floors)
    assert allowed(problem, two.changed("security", +1), floors)
