"""Acceptance: a portfolio beyond the specialists' reserved hours is reported late (days,
hours short) and the plan buys MSP project hours or adds a specialist, whichever is cheaper."""

from __future__ import annotations

import datetime as dt

import pytest

from deskmix.domain.projects import Portfolio, Project
from deskmix.domain.team import MspContract, ProjectHours
from deskmix.plan.evaluate import RunSettings
from deskmix.plan.projects import ProjectPlan, plan_projects
from deskmix.plan.result import PlanResult
from deskmix.plan.search import Planner
from tests.plan.helpers import costs, sla, two_pool_workload

RUN = RunSettings(reps=4, weeks=4, workers=1, reserved_share=0.2)
START = dt.date(2025, 1, 6)
PORTFOLIO = Portfolio(
    reserved_share=0.2,
    projects=[
        Project(
            name="Core network refresh",
            domains=["network"],
            effort_hours=1500,
            earliest_start=START,
            due=dt.date(2025, 2, 28),
        ),
        Project(
            name="Wifi survey",
            domains=["network"],
            effort_hours=20,
            earliest_start=START,
            due=dt.date(2025, 1, 24),
            priority=1,
        ),
    ],
)


def offer(price: float) -> MspContract:
    return MspContract(
        name="Build partner",
        domains=["network"],
        pricing={"per_ticket": 10_000},  # never worth buying for tickets
        project_hours=ProjectHours(price_per_hour=price, lead_time_weeks=2, domains=["network"]),
    )


@pytest.fixture(scope="module")
def plan() -> PlanResult:
    return Planner(two_pool_workload(), sla(), costs(min_specialists=1), [], RUN).plan()


def _projects(plan: PlanResult, price: float) -> ProjectPlan:
    return plan_projects(
        two_pool_workload(),
        sla(),
        plan.evaluation.team,
        costs(min_specialists=1),
        [offer(price)],
        PORTFOLIO,
        RUN,
    )


def test_late_portfolio_is_reported_with_days_and_hours_short(plan: PlanResult) -> None:
    result = _projects(plan, price=40)
    big, small = result.before.rows
    assert small.on_time.mean == 1
    assert big.on_time.mean == 0
    assert big.short_at_due.mean > 100 and big.days_late.mean > 7
    assert any("hours short" in line and "days late" in line for line in result.lines())
    assert all(r.on_time.mean == 1 for r in result.after.rows)


def test_cheap_msp_hours_are_bought(plan: PlanResult) -> None:
    result = _projects(plan, price=40)
    assert result.msp_cost is not None and result.hire_cost is not None
    assert result.msp_cost < result.hire_cost
    assert result.choice == "msp"
    short = result.before.rows[0].short_at_due.mean
    assert result.after.msp_hours.mean == pytest.approx(short, rel=0.05)
    assert result.msp_cost == pytest.approx(40 * result.after.msp_hours.mean, rel=1e-9)


def test_dear_msp_hours_lose_to_a_specialist(plan: PlanResult) -> None:
    result = _projects(plan, price=400)
    assert result.msp_cost is not None and result.hire_cost is not None
    assert result.hire_cost < result.msp_cost
    assert result.choice == "hire" and result.hires == {"network": 1}
    assert all(r.on_time.mean == 1 for r in result.after.rows)


def test_tickets_first_plans_on_idle_hours_with_tickets_keeping_every_hour() -> None:
    run = RunSettings(reps=4, weeks=4, workers=1)  # nothing reserved: tickets keep every hour
    bigger = PORTFOLIO.projects[0].model_copy(update={"effort_hours": 5000})
    idle = PORTFOLIO.model_copy(
        update={"rule": "tickets_first", "projects": [bigger, PORTFOLIO.projects[1]]}
    )
    assert idle.share_out_of_tickets == 0
    plan = Planner(two_pool_workload(), sla(), costs(min_specialists=1), [], run).plan()
    result = plan_projects(
        two_pool_workload(),
        sla(),
        plan.evaluation.team,
        costs(min_specialists=1),
        [offer(40)],
        idle,
        run,
        plan.evaluation.result.runs,
    )
    big = result.before.rows[0]
    assert big.on_time.mean == 0 and big.short_at_due.mean > 0
    assert result.choice == "msp"
    assert all(r.on_time.mean == 1 for r in result.after.rows)


def test_msp_hours_where_they_can_and_a_specialist_for_the_rest(plan: PlanResult) -> None:
    laptops = Project(
        name="Laptop refresh",  # end-user work: no specialist today, the MSP does not sell it
        domains=["end_user"],
        effort_hours=100,
        earliest_start=START,
        due=dt.date(2025, 2, 28),
    )
    portfolio = PORTFOLIO.model_copy(update={"projects": [*PORTFOLIO.projects, laptops]})
    result = plan_projects(
        two_pool_workload(),
        sla(),
        plan.evaluation.team,
        costs(min_specialists=1),
        [offer(40)],
        portfolio,
        RUN,
    )
    assert result.msp_cost is None  # the offer alone cannot rescue the laptops
    assert result.mixed is not None and result.mixed[0] == {"end_user": 1}
    assert result.hire_cost is not None and result.mixed[1] < result.hire_cost
    assert result.choice == "msp+hire"
    assert all(r.on_time.mean == 1 for r in result.after.rows)
    assert any("never done" in line for line in result.lines())


def test_the_bounds_count_the_reserved_share_as_specialists_lost_to_tickets() -> None:
    plain = Planner(two_pool_workload(), sla(), costs(), [], RunSettings(workers=1))
    reserved = Planner(two_pool_workload(), sla(), costs(), [], RUN)
    before = {b.pool: b for b in plain.problem.pool_bounds(())}
    after = {b.pool: b for b in reserved.problem.pool_bounds(())}
    assert after["network"].shrinkage == pytest.approx(0.2)
    assert after["network"].start > before["network"].start  # 2 at work: 3 hired
    assert after["generalists"] == before["generalists"]
