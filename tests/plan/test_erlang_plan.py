"""One pool, exponential times, all-week shifts: the plan must be the Erlang C minimum staff.

Tolerance: the target (P(wait <= 15 min) >= 85% at 2 or 4 Erlangs) is chosen so that Erlang C
puts the minimum staff clearly above the target and one fewer clearly below (both margins are
asserted to exceed 6 percentage points). With 6 replications of 4 weeks (about 2,700 tickets
each) the 95% half-width of simulated attainment is about 1-2 points, so the simulation can only
disagree with Erlang C if the engine or the search is wrong, not by chance.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskmix.domain import Priority
from deskmix.domain.sla import SlaPolicy, SlaTarget
from deskmix.plan.erlang import (
    erlang_c,
    erlang_c_staff,
    halfin_whitt_beta,
    square_root_staff,
    wait_attainment,
)
from deskmix.plan.evaluate import RunSettings
from deskmix.plan.search import Planner
from tests.plan.helpers import costs
from tests.sim.helpers import single_pool

WITHIN, SHARE, MEAN = 0.25, 0.85, 0.5
RUN = RunSettings(reps=6, weeks=4, workers=1)


def _sla() -> SlaPolicy:
    target = SlaTarget(
        priority=Priority.P3, response_hours=WITHIN, resolution_hours=1000, share=SHARE
    )
    return SlaPolicy(targets=[target])


@pytest.mark.parametrize("rate", [4.0, 8.0])
def test_plan_equals_erlang_c_minimum(rate: float) -> None:
    staff = erlang_c_staff(rate, MEAN, WITHIN, SHARE)
    assert wait_attainment(staff, rate, MEAN, WITHIN) - SHARE > 0.04
    assert SHARE - wait_attainment(staff - 1, rate, MEAN, WITHIN) > 0.06
    workload = single_pool(rate, MEAN)
    planner = Planner(workload, _sla(), costs(), [], RUN)
    plan = planner.plan()
    assert plan.recommended.generalists == staff
    assert plan.verified
    # The search lands on the same answer from below and from above the analytic start.
    for start in (staff - 2, staff + 3):
        other = Planner(workload, _sla(), costs(), [], RUN)
        design, _ = other.problem.start(())
        found = other.search_option((), start=design.changed("generalists", start - staff)).best
        assert found is not None and found[0].generalists == staff


def test_erlang_c_reference_values() -> None:
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(3, 3.0) == 1.0  # unstable: everyone waits
    assert square_root_staff(16.0) == 20
    # beta for a 50% delay probability is about 0.5 (Halfin-Whitt tables)
    assert halfin_whitt_beta(0.5) == pytest.approx(0.5, abs=0.03)


@given(
    servers=st.integers(1, 40),
    rate=st.floats(0.1, 30.0),
    mean=st.floats(0.05, 2.0),
    within=st.floats(0.0, 4.0),
)
def test_more_staff_never_lowers_attainment(
    servers: int, rate: float, mean: float, within: float
) -> None:
    lower = wait_attainment(servers, rate, mean, within)
    higher = wait_attainment(servers + 1, rate, mean, within)
    assert 0.0 <= lower <= higher + 1e-12 <= 1.0 + 1e-12
