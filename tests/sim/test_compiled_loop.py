"""The compiled loop is the Python reference loop, bit for bit (hypothesis)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmix.domain import Workload
from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import Team
from deskmix.routing import make_policy
from deskmix.routing.base import Decision, Policy, RoutingState, TicketView
from deskmix.sim import SimSettings, compile_model, run_replication
from deskmix.sim.engine import ReplicationResult
from tests.sim.helpers import pool_team, single_pool
from tests.sim.test_engine_properties import SETTINGS, scenarios

ARRAYS = (
    "arrival",
    "first_response",
    "resolved",
    "domain",
    "tier",
    "priority",
    "escalations",
    "msp",
    "reopened",
    "direct",
    "busy_hours",
    "msp_hours",
)


def assert_identical(compiled: ReplicationResult, reference: ReplicationResult) -> None:
    for name in ARRAYS:
        got, want = getattr(compiled, name), getattr(reference, name)
        assert got.dtype == want.dtype, name
        assert np.array_equal(got, want, equal_nan=got.dtype.kind == "f"), name


@st.composite
def policies(draw: st.DrawFn, name: str) -> Policy:
    if name == "msp_overflow":
        return make_policy(
            name,
            inner=draw(st.sampled_from(["generalist_first", "skills_based", "round_robin"])),
            max_queue=draw(st.integers(0, 6)),
            max_wait_hours=draw(st.floats(0.0, 3.0)),
        )
    if name == "generalist_first":
        return make_policy(
            name,
            time_limit_hours=draw(st.floats(0.1, 2.0)),
            direct_domains=tuple(draw(st.sets(st.sampled_from(["network", "security"])))),
            escalate_long_work=draw(st.booleans()),
        )
    return make_policy(name)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.data(), st.integers(0, 2**32 - 1))
def test_compiled_and_python_loops_agree_bit_for_bit(
    scenario: tuple[Workload, Team, str], data: st.DataObject, seed: int
) -> None:
    workload, team, name = scenario
    model = compile_model(workload, team, SlaPolicy.default(), SETTINGS)
    policy = data.draw(policies(name))
    # Round robin's pointer moves as it decides: each run gets the policy as it was.
    reference = run_replication(model, copy.deepcopy(policy), seed, compiled=False)
    compiled = run_replication(model, copy.deepcopy(policy), seed, compiled=True)
    assert_identical(compiled, reference)


def test_a_traced_compiled_run_explains_its_first_decisions() -> None:
    model = compile_model(single_pool(6, 0.5), pool_team(4), SlaPolicy.default(), SETTINGS)
    policy = make_policy("skills_based")
    compiled = run_replication(model, policy, 3, trace=12)
    reference = run_replication(model, policy, 3, trace=12, compiled=False)
    assert len(compiled.decisions) == 12
    assert compiled.decisions == reference.decisions
    assert_identical(compiled, reference)


class EveryoneQueues(Policy):
    """A user's own policy with no route table: the simulator must fall back to ``decide``."""

    def decide(self, ticket: TicketView, state: RoutingState) -> Decision:
        return make_policy("skills_based").decide(ticket, state)


def test_a_policy_without_a_table_runs_in_the_python_loop() -> None:
    model = compile_model(single_pool(6, 0.5), pool_team(4), SlaPolicy.default(), SETTINGS)
    own = run_replication(model, EveryoneQueues(), 5)
    built_in = run_replication(model, make_policy("skills_based"), 5)
    assert_identical(own, built_in)
    with pytest.raises(ValueError, match="no route table"):
        run_replication(model, EveryoneQueues(), 5, compiled=True)


def test_the_compiled_loop_keeps_up_with_a_long_run() -> None:
    settings_ = SimSettings(weeks=8, warmup_weeks=1)
    model = compile_model(single_pool(30, 0.5), pool_team(18), SlaPolicy.default(), settings_)
    policy = make_policy("generalist_first")
    assert_identical(
        run_replication(model, policy, 11), run_replication(model, policy, 11, compiled=False)
    )


def test_every_run_uses_the_one_compiled_loop_that_setup_warms() -> None:
    """Numba compiles one version per argument types; a second version would mean a user's
    first simulation waits for the compiler again although setup compiled the loop."""
    from deskmix.sim import kernel
    from deskmix.sim.compiled import warm_up

    warm_up()
    model = compile_model(single_pool(6, 0.5), pool_team(4), SlaPolicy.default(), SETTINGS)
    for name in ("generalist_first", "skills_based", "msp_overflow", "round_robin"):
        run_replication(model, make_policy(name), 1)
    assert len(kernel.simulate_compiled.signatures) == 1
