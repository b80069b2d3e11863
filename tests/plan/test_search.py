"""The search on a first line plus one specialist domain: feasibility and monotone sanity."""

from __future__ import annotations

import pytest

from deskmix.domain.team import AgentKind
from deskmix.plan.analysis import sensitivity
from deskmix.plan.bounds import pool_bounds
from deskmix.plan.evaluate import RunSettings, evaluate_team
from deskmix.plan.result import PlanResult
from deskmix.plan.search import Planner
from tests.plan.helpers import ALL_WEEK, costs, network_msp, sla, two_pool_workload

RUN = RunSettings(reps=6, weeks=4, workers=1)


def _plan(
    share: float = 0.85,
    price: float | None = None,
    min_specialists: int = 0,
    resolution: float = 12.0,
) -> PlanResult:
    offers = [] if price is None else [network_msp(price)]
    policy = sla(share, resolution)
    return Planner(two_pool_workload(), policy, costs(min_specialists), offers, RUN).plan()


def test_reported_design_meets_every_sla_on_other_seeds() -> None:
    plan = _plan()
    assert plan.evaluation.feasible and plan.verified
    for seed in (7, 99):
        again = evaluate_team(two_pool_workload(), plan.evaluation.team, sla(), RUN, seed=seed)
        assert again.feasible, [c.describe() for c in again.checks if not c.met]
    # and one fewer person in any pool breaks a target on the planning seed
    assert any("fewer would miss" in reason for reason in plan.reasons)
    # "binding": what the next-cheaper design simulated misses, named with its cost
    binding = next(r for r in plan.reasons if r.startswith("The binding SLA target"))
    cheaper = max(
        (s for s in plan.log if not s.feasible and s.cost < plan.evaluation.cost.mean),
        key=lambda s: s.cost,
    )
    assert cheaper.design.label() in binding and f"{cheaper.cost:,.0f} a week" in binding


def test_tighter_slas_never_give_a_cheaper_plan() -> None:
    # Each step raises the share and shortens the resolution target.
    tiers = [(0.7, 24.0), (0.85, 12.0), (0.9, 6.0)]
    found = [_plan(share, resolution=hours).evaluation.cost.mean for share, hours in tiers]
    assert found == sorted(found)
    assert found[0] < found[-1]  # the loosest really needs fewer people


def test_higher_msp_price_never_buys_more_msp() -> None:
    used = [len(_plan(price=price).recommended.msp) for price in (10.0, 150.0, 2000.0)]
    assert used == sorted(used, reverse=True)
    assert used[0] == 1 and used[-1] == 0


def test_bus_factor_keeps_specialists_and_bounds_cover_pools() -> None:
    plan = _plan(min_specialists=3)
    assert plan.recommended.count("network") >= 3
    bounds = pool_bounds(two_pool_workload(), sla(), ALL_WEEK)
    assert [b.pool for b in bounds] == ["generalists", "network"]
    network = bounds[1]
    # 60 tickets a week x 2 h over 168 on-duty hours
    assert network.offered_on_duty == pytest.approx(120 / 168, rel=1e-6)
    assert network.stability == 1 and network.start >= network.stability


def test_sensitivity_runs_the_three_stresses() -> None:
    plan = _plan(price=10.0, min_specialists=0)
    stresses = sensitivity(two_pool_workload(), sla(), plan)
    names = [s.name for s in stresses]
    assert names[0] == "load +30%" and names[-1] == "MSP price +20%"
    base_cost = plan.evaluation.cost.mean
    assert stresses[-1].evaluation.cost.mean > base_cost
    has_specialist = any(a.kind == AgentKind.SPECIALIST for a in plan.evaluation.team.agents)
    assert len(stresses) == (3 if has_specialist else 2)
