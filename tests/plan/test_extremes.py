"""The pooled and unpooled extremes: closed forms, and the bracket they put round the search."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmix.domain import ArrivalStream, Priority, Tier, Workload
from deskmix.domain.sla import SlaPolicy, SlaTarget
from deskmix.domain.team import MspContract, MspPricing
from deskmix.plan.erlang import erlang_c, erlang_c_staff
from deskmix.plan.evaluate import RunSettings
from deskmix.plan.extremes import Extremes, extremes
from deskmix.plan.search import Planner
from tests.plan.helpers import ALL_WEEK, costs, sla, two_pool_workload
from tests.sim.helpers import handling, single_pool

RUN = RunSettings(reps=6, weeks=4, workers=1)


def _extremes(
    workload: Workload, policy: SlaPolicy, msp: frozenset[str] = frozenset(), bus: int = 0
) -> Extremes:
    return extremes(
        workload,
        policy,
        ALL_WEEK,
        msp_domains=msp,
        generalist_cost=30,
        specialist_cost=lambda d: 50,
        bus_minimum=lambda d: bus,
    )


def test_one_pool_extremes_are_erlang_c() -> None:
    target = SlaTarget(priority=Priority.P3, response_hours=0.25, resolution_hours=100, share=0.85)
    found = _extremes(single_pool(8.0, 0.5), SlaPolicy(targets=[target]))
    assert found.pooled.people == erlang_c_staff(8.0, 0.5, 0.25, 0.85)
    assert found.pooled.floor == math.floor(4.0) + 1
    assert found.pooled.offered_on_duty == pytest.approx(4.0)
    # one domain: no pooling to gain, the two extremes agree
    assert found.unpooled.people == found.pooled.people
    assert found.pooled.cost_per_week == pytest.approx(found.pooled.people * 30 * 168)


def test_extremes_bracket_the_plan_and_follow_the_msp() -> None:
    workload = two_pool_workload()
    found = _extremes(workload, sla(), bus=1)
    assert found.pooled.floor <= found.pooled.people <= found.unpooled.people
    assert found.per_domain["network"] >= 1
    with Planner(workload, sla(), costs(), [], RUN) as planner:
        plan = planner.plan()
    assert found.pooled.floor <= plan.recommended.headcount <= found.headcount_cap
    assert any("Bounds for this MSP choice" in r for r in plan.reasons)
    bought = _extremes(workload, sla(), frozenset({"network"}))
    # network's specialist work (60 a week, 2 h) leaves the in-house pool
    assert found.pooled.offered_on_duty - bought.pooled.offered_on_duty == pytest.approx(
        60 * 2.0 / 168
    )


def test_a_bound_drops_an_option_that_cannot_win_unsimulated() -> None:
    dear = MspContract(
        name="Gold",
        domains=["network"],
        response_hours=0.5,
        pricing=MspPricing(retainer_per_month=1_000_000),
    )
    # One option at a time: in-house first (its floor is lower), then Gold is dropped.
    with Planner(two_pool_workload(), sla(), costs(), [dear], RUN, concurrent_options=1) as planner:
        plan = planner.plan()
    gold = next(o for o in plan.options if o.msp == ("Gold",))
    assert gold.pruned and gold.best is None
    assert all(s.design.msp == () for s in plan.log)  # never simulated
    assert gold.cost_floor > plan.evaluation.cost.mean
    assert any("Not buying Gold" in r and "bound" in r for r in plan.reasons)
    # Side by side (the default), the cheapest-floor option still runs first and alone, so
    # the bound stops Gold before its start is simulated.
    with Planner(two_pool_workload(), sla(), costs(), [dear], RUN) as planner:
        side = planner.plan()
    assert next(o for o in side.options if o.msp == ("Gold",)).pruned
    assert sum(s.design.msp == ("Gold",) for s in side.log) == 0
    assert side.recommended == plan.recommended


@settings(max_examples=30, deadline=None)
@given(
    domains=st.lists(
        st.tuples(st.floats(1.0, 400.0), st.floats(0.1, 3.0), st.booleans()),
        min_size=1,
        max_size=6,
    ),
)
def test_pooled_extreme_is_the_floor_of_the_unpooled_one(
    domains: list[tuple[float, float, bool]],
) -> None:
    """Random desks: pooling never needs more stability than staffing each domain alone,
    and the pooled load is every domain's load added up."""
    arrivals, handling_times = [], []
    for i, (per_week, mean, deep) in enumerate(domains):
        tier = Tier.SPECIALIST if deep else Tier.GENERALIST
        name = f"d{i}"
        arrivals.append(
            ArrivalStream(
                domain=name, tier=tier, priority=Priority.P3, tickets_per_week=per_week, observed=1
            )
        )
        handling_times.append(handling(name, tier, mean))
    workload = Workload(name="random", arrivals=arrivals, handling=handling_times)
    found = _extremes(workload, sla(), bus=1)
    assert found.pooled.floor <= found.unpooled.floor
    assert found.pooled.floor <= found.pooled.people
    assert found.pooled.offered_on_duty == pytest.approx(sum(n * m for n, m, _ in domains) / 168)
    for i, (_, _, deep) in enumerate(domains):
        assert found.per_domain[f"d{i}"] >= (1 if deep else 0)


def test_pooled_extreme_counts_hires_with_shrinkage() -> None:
    """Erlang C divided by 1 - s, as every Erlang calculator staffs with shrinkage."""
    target = SlaTarget(priority=Priority.P3, response_hours=0.25, resolution_hours=100, share=0.85)
    workload, policy = single_pool(8.0, 0.5), SlaPolicy(targets=[target])
    plain = _extremes(workload, policy)
    shrunk = extremes(
        workload,
        policy,
        ALL_WEEK,
        generalist_cost=30,
        specialist_cost=lambda d: 50,
        bus_minimum=lambda d: 0,
        shrinkage=(0.3, 0.3),
    )
    assert shrunk.pooled.people == math.ceil(erlang_c_staff(8.0, 0.5, 0.25, 0.85) / 0.7)
    assert shrunk.pooled.floor == math.floor(4.0 / 0.7) + 1
    assert shrunk.pooled.people > plain.pooled.people
    assert "Erlang C" in shrunk.pooled.rule and "30.0% shrinkage" in shrunk.pooled.rule


def test_erlang_c_holds_at_enterprise_scale() -> None:
    """The Erlang B recursion: a 1,000-server first line has a finite wait probability,
    the textbook sum (a^k / k!) overflows there; small cases match the sum."""
    for servers, offered in ((2, 1.0), (10, 8.0), (30, 25.5)):
        terms = [offered**k / math.factorial(k) for k in range(servers)]
        top = offered**servers / math.factorial(servers) / (1 - offered / servers)
        assert erlang_c(servers, offered) == pytest.approx(top / (sum(terms) + top))
    big = erlang_c(1000, 950.0)
    assert 0.0 < big < 1.0
    staff = erlang_c_staff(2000.0, 0.45, 0.25, 0.8)
    assert 900 < staff < 1000


@settings(max_examples=6, deadline=None)
@given(scale=st.floats(0.3, 2.0), share=st.floats(0.5, 0.95))
def test_the_recommendation_is_never_below_its_bound(scale: float, share: float) -> None:
    """Whatever the load and target: the plan's headcount reaches the pooled floor it
    prints as "never fewer than"."""
    workload = two_pool_workload(scale)
    with Planner(workload, sla(share), costs(), [], RunSettings(reps=3, weeks=2)) as planner:
        plan = planner.plan()
    floor = plan.chosen.extremes.pooled.floor if plan.chosen.extremes else 0
    assert plan.recommended.headcount >= floor
    found = _extremes(workload, sla(share))
    assert found.pooled.floor == floor
