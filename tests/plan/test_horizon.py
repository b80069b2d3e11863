"""The quarterly plan: volume growing 40% a year on a tiny desk, hires dated by lead time,
costs that add up, and a two-domain hire turned into a cross-training of someone on the team."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from deskmix.calibrate.forecast import forecast
from deskmix.domain.team import Agent, AgentKind, Team
from deskmix.plan.design import SPECIALIST_LEVEL
from deskmix.plan.evaluate import RunSettings
from deskmix.plan.horizon import (
    HiringTerms,
    YearPlan,
    _Quarter,
    people_cost_per_week,
    plan_horizon,
)
from tests.plan.helpers import ALL_WEEK, costs, generalists, sla, two_pool_workload

START = date(2026, 1, 5)
TERMS = HiringTerms(hire_lead_weeks=8, hire_cost=4000, training_weeks=10, training_cost=2500)


@pytest.fixture(scope="module")
def year() -> YearPlan:
    workload = two_pool_workload(0.25)
    volume = forecast(workload, quarters=4, growth=0.4, start=START)
    return plan_horizon(
        workload,
        sla(),
        costs(min_specialists=1),
        [],
        RunSettings(reps=3, weeks=3, warmup_weeks=0.5, seed=0, workers=1),
        volume,
        existing=generalists(1),
        terms=TERMS,
        max_designs=12,
    )


def test_headcount_never_falls_and_today_stays(year: YearPlan) -> None:
    counts = [q.headcount for q in year.quarters]
    assert counts == sorted(counts)
    assert year.starting_headcount == 1 and "Kept 1" in {a.name for a in year.team.agents}
    volumes = [q.tickets_per_week for q in year.quarters]
    assert volumes == sorted(volumes) and volumes[-1] > 1.3 * 90
    assert counts[-1] > 1  # a 40% bigger desk needs more than the one generalist kept
    assert sum(q.added for q in year.quarters) == counts[-1] - 1


def test_every_action_starts_a_lead_time_before_its_quarter(year: YearPlan) -> None:
    actions = [a for q in year.quarters for a in q.actions]
    assert actions
    for quarter in year.quarters:
        assert quarter.start == START + timedelta(weeks=13 * (quarter.quarter - 1))
        for action in quarter.actions:
            assert action.ready_by == quarter.start
            lead = {
                "hire": TERMS.hire_lead_weeks,
                "hire_and_train": TERMS.hire_lead_weeks + TERMS.training_weeks,
                "cross_train": TERMS.training_weeks,
            }[action.kind]
            assert action.start_by == action.ready_by - timedelta(weeks=lead)
            assert action.late == (action.start_by < START)
    assert all(a.late for a in year.quarters[0].actions)


def test_costs_add_up(year: YearPlan) -> None:
    for quarter in year.quarters:
        assert quarter.cost_per_week == pytest.approx(
            quarter.people_cost_per_week + quarter.msp_cost_per_week
        )
        assert quarter.one_off_cost == pytest.approx(sum(a.one_off_cost for a in quarter.actions))
        assert quarter.quarter_cost == pytest.approx(
            13 * quarter.cost_per_week + quarter.one_off_cost
        )
    assert year.total_cost == pytest.approx(sum(q.quarter_cost for q in year.quarters))
    assert year.one_off_cost == pytest.approx(sum(q.one_off_cost for q in year.quarters))
    assert year.quarters[-1].people_cost_per_week == pytest.approx(people_cost_per_week(year.team))
    assert YearPlan.model_validate_json(year.model_dump_json()) == year


def _specialist(name: str, skills: dict[str, int], cost: float = 50.0) -> Agent:
    return Agent(
        name=name, kind=AgentKind.SPECIALIST, skills=skills, cost_per_hour=cost, shifts=ALL_WEEK
    )


def test_a_pair_hire_becomes_a_cross_training_when_someone_can_learn() -> None:
    table = costs()
    step = _Quarter(2, START + timedelta(weeks=13), START, TERMS, table, two_pool_workload())
    carried = [
        *generalists(1).agents,
        _specialist("Sam", {"network": 3, "security": 1}),
        _specialist("Ann", {"network": 3}),
    ]
    pair = _specialist("New network+security specialist 1", {"network": 3, "security": 3}, 55)
    team = step.add(carried, [pair], {a.name for a in carried})
    kinds = sorted((a.kind, a.person) for a in step.actions)
    assert kinds == [("cross_train", "Sam"), ("hire", "Q2 network+security specialist 1")]
    sam = next(a for a in team if a.name == "Sam")
    assert sam.level("security") == SPECIALIST_LEVEL
    assert sam.cost_per_hour == pytest.approx(50 * (1 + table.cross_training_premium))
    hired = team[-1]
    assert hired.skills == {"network": SPECIALIST_LEVEL} and hired.cost_per_hour == 50
    # the same skills on the same shifts as the planner's design
    before = sorted(sorted(a.skills.items()) for a in [*carried, pair])
    after = sorted(sorted(a.skills.items()) for a in team)
    assert [[kv for kv in s if kv[1] >= 3] for s in before] == [
        [kv for kv in s if kv[1] >= 3] for s in after
    ]


def test_a_pair_hire_nobody_can_learn_is_hired_and_trained() -> None:
    step = _Quarter(1, START, START, TERMS, costs(), two_pool_workload())
    pair = _specialist("network+security specialist 1", {"network": 3, "security": 3})
    team = step.add([], [pair], set())
    (action,) = step.actions
    assert action.kind == "hire_and_train" and "hire a network specialist" in action.detail
    assert action.one_off_cost == TERMS.hire_cost + TERMS.training_cost
    assert action.late and Team(name="t", agents=team).agents[0].name == "Q1 " + pair.name
