"""Shrinkage in the planner: one pool, exponential times, hires who lose a share s of their
shift hours to meetings and training. The plan must be ``ceil(Erlang C staff / (1 - s))``.

Tolerance, as in test_erlang_plan.py: with the staggered removal of whole hours (docs:
``deskmix.sim.absences``) N hires have between floor and ceil of ``N (1 - s)`` people at work
in every hour. The cases are chosen so that at ``N = ceil(c / (1 - s))`` every hour has at
least c people at work (Erlang C attainment >= 89.5% against an 85% target), while one hire
fewer leaves at least a fifth of the hours with c - 1 people, whose Erlang C attainment is
at least 18 points below the target: the hour-weighted attainment then misses by at least 5
points, beyond the 1-2 point half-width of 6 replications of 4 weeks.
"""

from __future__ import annotations

import math

import pytest

from deskmix.domain import Priority
from deskmix.domain.shrinkage import Shrinkage, ShrinkageByKind
from deskmix.domain.sla import SlaPolicy, SlaTarget
from deskmix.plan.bounds import hire_shrinkage, pool_bounds
from deskmix.plan.design import Design, fte, to_team
from deskmix.plan.erlang import erlang_c_staff, wait_attainment
from deskmix.plan.evaluate import RunSettings
from deskmix.plan.inputs import Constraints, CostTable
from deskmix.plan.search import Planner
from tests.plan.helpers import ALL_WEEK
from tests.sim.helpers import single_pool

WITHIN, SHARE, MEAN = 0.25, 0.85, 0.5
RUN = RunSettings(reps=6, weeks=4, workers=1)


def _sla() -> SlaPolicy:
    target = SlaTarget(
        priority=Priority.P3, response_hours=WITHIN, resolution_hours=1000, share=SHARE
    )
    return SlaPolicy(targets=[target])


def _costs(share: float) -> CostTable:
    flat = Shrinkage(annual_leave_days=0, sickness_rate=0, training_days=0, meetings_share=share)
    return CostTable(
        generalist=30,
        specialist=50,
        constraints=Constraints(shifts=ALL_WEEK, min_specialists=0),
        shrinkage=ShrinkageByKind(generalist=flat, specialist=flat),
    )


@pytest.mark.parametrize(("rate", "share"), [(4.0, 0.2), (8.0, 0.2)])
def test_plan_is_erlang_c_over_one_minus_shrinkage(rate: float, share: float) -> None:
    staff = erlang_c_staff(rate, MEAN, WITHIN, SHARE)
    hires = math.ceil(staff / (1 - share))
    # the margins the module docstring states
    assert math.floor(hires * (1 - share)) >= staff
    low = (hires - 1) * (1 - share)
    short = staff - low  # share of hours with staff - 1 people at work
    assert short >= 0.2
    mixed = (1 - short) * wait_attainment(staff, rate, MEAN, WITHIN) + short * wait_attainment(
        staff - 1, rate, MEAN, WITHIN
    )
    assert SHARE - mixed > 0.04
    costs = _costs(share)
    assert hire_shrinkage(costs) == pytest.approx((share, share))
    bounds = pool_bounds(
        single_pool(rate, MEAN), _sla(), list(ALL_WEEK), shrinkage=hire_shrinkage(costs)
    )
    assert bounds[0].erlang_c == hires
    plan = Planner(single_pool(rate, MEAN), _sla(), costs, [], RUN).plan()
    assert plan.recommended.generalists == hires
    assert plan.verified


def test_fte_is_available_hours_over_a_full_time_year() -> None:
    costs = _costs(0.2)
    team = to_team(Design(3), costs, ["end_user"], [])
    assert all(a.shrinkage is not None for a in team.agents)
    # 168 on-shift hours a week each, 80% of them at work, over 40-hour weeks
    assert fte(team) == pytest.approx(3 * 168 * 0.8 / 40)
