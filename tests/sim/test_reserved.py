"""Reserved project time: a share of each specialist's hours out of ticket work."""

from __future__ import annotations

import numpy as np

from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import Agent, AgentKind, Team
from deskmix.sim.model import SimSettings, compile_model
from tests.plan.helpers import two_pool_workload


def _team() -> Team:
    return Team(
        name="t",
        agents=[
            Agent(name="G", kind=AgentKind.GENERALIST, cost_per_hour=30, skills={"end_user": 2}),
            Agent(name="S1", kind=AgentKind.SPECIALIST, cost_per_hour=50, skills={"network": 3}),
            Agent(name="S2", kind=AgentKind.SPECIALIST, cost_per_hour=50, skills={"network": 4}),
        ],
    )


def test_reserved_share_leaves_generalists_and_takes_the_share_of_specialists() -> None:
    settings = SimSettings(weeks=4, warmup_weeks=0, drain_weeks=0, reserved_share=0.2)
    model = compile_model(two_pool_workload(), _team(), SlaPolicy.default(), settings)
    plain = compile_model(
        two_pool_workload(),
        _team(),
        SlaPolicy.default(),
        SimSettings(weeks=4, warmup_weeks=0, drain_weeks=0),
    )
    assert model.reserved is not None and plain.reserved is None
    on = plain.available.sum(axis=1)
    assert model.available[0].sum() == on[0] and not model.reserved[0].any()
    for i in (1, 2):
        assert abs(model.reserved[i].sum() - 0.2 * on[i]) <= 1
        assert not (model.reserved[i] & model.available[i]).any()
        assert (model.reserved[i] | model.available[i]).sum() == on[i]
    # staggered: the two specialists are not both reserved in every reserved hour
    assert (model.reserved[1] != model.reserved[2]).any()
    assert np.array_equal(model.paid, plain.paid)
