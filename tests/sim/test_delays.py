"""Extraneous delays: waiting that occupies nobody, added to resolutions only when asked."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmix.domain import ArrivalStream, Priority, Tier, Workload
from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import Agent, AgentKind, Team
from deskmix.domain.workload import DELAY_PROBABILITIES, DelayTime
from deskmix.routing import make_policy
from deskmix.sim import SimSettings, compile_model, run_replication
from deskmix.sim.arrivals import draw_tickets
from tests.sim.helpers import ALL_WEEK, handling


def _workload(quantiles: list[float]) -> Workload:
    return Workload(
        name="delays",
        arrivals=[
            ArrivalStream(
                domain="network", tier=Tier.GENERALIST, priority=Priority.P3,
                tickets_per_week=40, observed=40,
            ),
            ArrivalStream(
                domain="network", tier=Tier.SPECIALIST, priority=Priority.P2,
                tickets_per_week=10, observed=10,
            ),
        ],
        handling=[
            handling("network", Tier.GENERALIST, 0.5),
            handling("network", Tier.SPECIALIST, 2),
        ],
        delays=[
            DelayTime(
                domain="*", tier=tier, observed=50, median_hours=quantiles[10],
                mean_hours=float(np.mean(quantiles)), quantiles_hours=quantiles,
            )
            for tier in Tier
        ],
    )  # fmt: skip


TEAM = Team(
    name="two lines",
    agents=[
        Agent(
            name="g",
            kind=AgentKind.GENERALIST,
            skills={"network": 2},
            shifts=ALL_WEEK,
            cost_per_hour=40,
        ),
        Agent(
            name="s",
            kind=AgentKind.SPECIALIST,
            skills={"network": 4},
            shifts=ALL_WEEK,
            cost_per_hour=60,
        ),
    ],
)


@settings(max_examples=10, deadline=None)
@given(
    steps=st.lists(st.floats(0, 48), min_size=len(DELAY_PROBABILITIES) - 1, max_size=20),
    seed=st.integers(0, 2**16),
)
def test_delays_push_resolutions_back_and_change_nothing_else(
    steps: list[float], seed: int
) -> None:
    quantiles = list(np.cumsum([0.0, *steps]))
    workload = _workload(quantiles)
    plain = compile_model(workload, TEAM, SlaPolicy.default(), SimSettings(weeks=2))
    delayed = compile_model(workload, TEAM, SlaPolicy.default(), SimSettings(weeks=2, delays=True))
    policy = make_policy("generalist_first")
    without = run_replication(plain, policy, seed)
    with_delays = run_replication(delayed, policy, seed)
    draws = draw_tickets(delayed, np.random.default_rng(seed))
    # Same tickets, same work, same agents' hours: a delay occupies nobody.
    for name in ("arrival", "first_response", "escalations", "busy_hours", "direct"):
        assert np.array_equal(getattr(without, name), getattr(with_delays, name), equal_nan=True), (
            name
        )
    assert np.allclose(with_delays.resolved, without.resolved + draws.delay, equal_nan=True)
    assert (draws.delay >= quantiles[0]).all() and (draws.delay <= quantiles[-1]).all()
    # Without the setting the draws carry no delay at all.
    assert not draw_tickets(plain, np.random.default_rng(seed)).delay.any()


def test_delays_follow_their_quantiles() -> None:
    quantiles = [float(q) for q in np.linspace(0, 40, len(DELAY_PROBABILITIES))]  # uniform 0-40
    model = compile_model(
        _workload(quantiles), TEAM, SlaPolicy.default(), SimSettings(weeks=20, delays=True)
    )
    delay = draw_tickets(model, np.random.default_rng(7)).delay
    assert delay.size > 500
    assert abs(float(np.median(delay)) - 20) < 2.5
    assert dataclasses.replace(model.settings, delays=False).delays is False
