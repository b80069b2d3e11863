"""Each built-in policy's rule and reason, against the simulator's own routing state."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import AgentKind, MspContract
from deskmix.domain.ticket import Tier
from deskmix.errors import ConfigError
from deskmix.routing import POLICIES, Stage, make_policy
from deskmix.routing.base import AgentView
from deskmix.sim import SimSettings, compile_model, run_replication
from deskmix.sim.desk import SimState, SimTicket
from deskmix.teamfiles import parse_team
from tests.sim.test_whatif import workload

DOCS = Path(__file__).resolve().parents[2] / "docs"

AGENTS = [
    AgentView(0, "Ana", AgentKind.GENERALIST, {"end_user": 3, "network": 1}, 40),
    AgentView(1, "Ben", AgentKind.GENERALIST, {"end_user": 2}, 38),
    AgentView(2, "Dana", AgentKind.SPECIALIST, {"network": 4, "security": 3, "cloud_infra": 3}, 60),
    AgentView(3, "Eli", AgentKind.SPECIALIST, {"network": 3}, 55),
]
MSP = MspContract(name="NetOps", domains=["network", "data_db"], response_hours=2)


def state(free: list[str], msp: bool = False) -> SimState:
    s = SimState(AGENTS, [MSP] if msp else [])
    for agent in AGENTS:
        s.set_free(agent.index, agent.name in free)
    return s


def ticket(domain: str, tier: Tier, stage: Stage = Stage.NEW) -> SimTicket:
    t = SimTicket(7, domain, 0, 0 if tier == Tier.GENERALIST else 1, 2, 0.0, 1.0, 0.5, False, 1.0)
    t.stage = stage
    t.generalist_hours = 0.75 if stage == Stage.ESCALATED else 0.0
    return t


def test_generalist_first_takes_new_work_at_the_first_line() -> None:
    decision = make_policy("generalist_first").decide(
        ticket("network", Tier.SPECIALIST), state(["Ana", "Ben", "Dana"])
    )
    assert decision.agent is not None and decision.agent.name == "Ana"  # network 1 beats 0
    assert decision.work_limit_hours == 0.75
    assert "Ana (generalist) takes it first" in decision.reason


def test_generalist_first_escalates_to_the_least_versatile_specialist() -> None:
    decision = make_policy("generalist_first").decide(
        ticket("network", Tier.SPECIALIST, Stage.ESCALATED), state(["Dana", "Eli"])
    )
    assert decision.agent is not None and decision.agent.name == "Eli"
    assert decision.reason == "escalated after generalists tried 45 min, to Eli (network L3)"


def test_escalation_waits_in_the_specialists_queue_with_a_reason() -> None:
    decision = make_policy("generalist_first").decide(
        ticket("network", Tier.SPECIALIST, Stage.ESCALATED), state(["Ana"])
    )
    assert decision.queue is not None and decision.queue.name == "specialists:network"
    assert re.search(r"no network skill >= 3 free \(0 already waiting\)", decision.reason)
    assert decision.queue.admits(AGENTS[2]) and not decision.queue.admits(AGENTS[0])


def test_generalist_first_sends_direct_work_straight_to_specialists() -> None:
    policy = make_policy("generalist_first")
    decision = policy.decide(
        ticket("network", Tier.SPECIALIST, Stage.DIRECT), state(["Ana", "Dana", "Eli"])
    )
    assert decision.agent is not None and decision.agent.name == "Eli"
    assert decision.work_limit_hours is None
    assert decision.reason == "the history sends this work straight to Eli (network L3)"
    queued = policy.decide(ticket("network", Tier.SPECIALIST, Stage.DIRECT), state(["Ana"]))
    assert queued.queue is not None and queued.queue.name == "specialists:network"


def test_generalist_first_keeps_first_line_work_however_long_unless_asked() -> None:
    work = ticket("network", Tier.GENERALIST)
    kept = make_policy("generalist_first").decide(work, state(["Ana", "Dana"]))
    assert kept.agent is not None and kept.agent.name == "Ana"
    assert kept.work_limit_hours is None  # the first line resolves its own work
    assert kept.reason == "Ana (generalist) takes it first, to resolve it (first-line work)"
    policy = make_policy("generalist_first", escalate_long_work=True)
    bounded = policy.decide(work, state(["Ana", "Dana"]))
    assert bounded.work_limit_hours == 0.75
    assert "escalating long first-line work" in policy.describe()


@pytest.mark.parametrize("name", ["skills_based", "round_robin", "msp_overflow"])
def test_policies_without_a_first_line_treat_direct_as_new(name: str) -> None:
    free = state(["Ana", "Ben", "Dana", "Eli"], msp=True)
    inner = {"inner": "skills_based"} if name == "msp_overflow" else {}
    new = make_policy(name, **inner).decide(ticket("network", Tier.SPECIALIST), free)
    direct = make_policy(name, **inner).decide(
        ticket("network", Tier.SPECIALIST, Stage.DIRECT), free
    )
    assert direct == new


def test_skills_based_keeps_versatile_people_free() -> None:
    decision = make_policy("skills_based").decide(
        ticket("network", Tier.SPECIALIST), state(["Dana", "Eli"])
    )
    assert decision.agent is not None and decision.agent.name == "Eli"
    assert "fewest other skills (1) of the 2 able" in decision.reason


def test_skills_based_hands_work_nobody_can_do_to_the_msp() -> None:
    decision = make_policy("skills_based").decide(
        ticket("data_db", Tier.SPECIALIST), state(["Ana"], msp=True)
    )
    assert decision.msp == MSP
    assert decision.reason.startswith("handed to NetOps (data_db, responds within 2.0 h)")


def test_msp_overflow_only_when_the_line_is_long() -> None:
    policy = make_policy("msp_overflow", inner="skills_based", max_queue=0)
    busy = state([], msp=True)
    assert policy.decide(ticket("network", Tier.SPECIALIST), busy).msp == MSP
    patient = make_policy("msp_overflow", inner="skills_based", max_queue=5, max_wait_hours=9)
    assert patient.decide(ticket("network", Tier.SPECIALIST), busy).queue is not None


def test_round_robin_rotates() -> None:
    policy = make_policy("round_robin")
    everyone = state(["Ana", "Ben", "Dana", "Eli"])
    names = [policy.decide(ticket("end_user", Tier.GENERALIST), everyone).agent for _ in range(3)]
    assert [a.name for a in names if a] == ["Ana", "Ben", "Ana"]  # Dana/Eli lack end_user >= 1


def test_unknown_policy_and_bad_settings_are_clear() -> None:
    with pytest.raises(ConfigError, match="unknown policy 'fifo'"):
        make_policy("fifo")
    with pytest.raises(ConfigError, match="policy 'skills_based'"):
        make_policy("skills_based", speed=3)


def test_the_documented_custom_policy_runs_in_the_simulator() -> None:
    text = (DOCS / "routing.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S)
    assert code is not None
    namespace: dict[str, object] = {}
    try:
        exec(compile(code.group(1), "docs/routing.md", "exec"), namespace)
        team = parse_team(
            "name: t\nagents:\n  - {name: G, count: 2, kind: generalist, cost_per_hour: 1}\n"
            "  - {name: N, kind: specialist, cost_per_hour: 1, skills: {network: 4}}\n"
        )
        model = compile_model(workload(), team, SlaPolicy.default(), SimSettings(weeks=2))
        result = run_replication(model, make_policy("senior_for_p1"), 1, trace=50)
        assert len(result.decisions) == 50
        assert any(
            "most senior free" in why or "is free and able" in why for _, _, why in result.decisions
        )
    finally:
        POLICIES.pop("senior_for_p1", None)
