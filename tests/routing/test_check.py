"""``check_policy``: every registered policy decides alike in its route table, the simulator and
the live desk; a broken policy, or a live desk that drifted from the simulator, fails by name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from deskmix.live import batch
from deskmix.policycheck.check import PolicyCheckError, check_policy
from deskmix.routing import POLICIES, Decision, RoutingState, TicketView, make_policy
from deskmix.routing.base import QueueSpec
from deskmix.routing.policies import SkillsBased

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_every_registered_policy_passes(name: str) -> None:
    checked = check_policy(make_policy(name))
    assert checked.policy == name
    assert checked.table_states > 1000  # every domain, tier and stage in many desk states
    assert checked.day_placements > 80  # both teams' scripted days, queues and pulls included


def test_the_documented_custom_policy_passes_without_a_table() -> None:
    text = (DOCS / "routing.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S)
    assert code is not None
    namespace: dict[str, object] = {}
    try:
        exec(compile(code.group(1), "docs/routing.md", "exec"), namespace)
        checked = check_policy(make_policy("senior_for_p1"))
    finally:
        POLICIES.pop("senior_for_p1", None)
    assert checked.table_states == 0  # no route table: decide is the only form
    assert checked.day_placements > 80


@dataclass
class LastFreeAgent(SkillsBased):
    """Broken: its table says "least versatile first", its decide takes the last free one."""

    name: str = field(default="last_free_agent", init=False)

    def decide(self, ticket: TicketView, state: RoutingState) -> Decision:
        decision = super().decide(ticket, state)
        able = [a for a in state.free_agents() if a.can_resolve(ticket.domain, ticket.tier)]
        if decision.agent is None or not able:
            return decision
        return Decision(agent=able[-1], reason=f"{able[-1].name} is the last free")


def test_a_decide_that_betrays_its_route_table_fails_with_the_state() -> None:
    with pytest.raises(PolicyCheckError) as failed:
        check_policy(LastFreeAgent())
    assert str(failed.value) == (
        "policy 'last_free_agent': decide disagrees with its route table for end_user "
        "generalist work at stage new (team 'mixed'; free: Ana, Ben, Cleo, Dana, Eli, Fay; "
        "every queue 0 waiting, oldest 0 h): decide sends it to Cleo, the table to Ben"
    )


@dataclass
class WallClockPolicy(SkillsBased):
    """Broken: it reads the clock's absolute value, which only the simulator starts at 0."""

    name: str = field(default="wall_clock", init=False)

    def routes(self, *_: object) -> None:
        return None

    def decide(self, ticket: TicketView, state: RoutingState) -> Decision:
        if state.now > 1000 and ticket.priority >= 4:
            return Decision(queue=QueueSpec("later"), reason="low priority waits after hour 1000")
        return super().decide(ticket, state)


def test_a_policy_that_differs_live_fails_at_the_first_different_placement() -> None:
    with pytest.raises(PolicyCheckError, match=r"policy 'wall_clock' routes differently") as e:
        check_policy(WallClockPolicy())
    assert re.search(
        r"\(team 'mixed', step \d+: at [\d.]+ h T\d+ arrives \(\w+ \w+ P[45]\)\): "
        r"the simulator sends T\d+ to [^,]+, the live desk T\d+ to the queue later "
        r"\(placement \d+ of the day\)$",
        str(e.value),
    )


def test_a_live_desk_that_forgets_priority_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check holds the two desks to each other, not only the policy to itself."""
    monkeypatch.setattr(
        batch.Record,
        "order",
        property(lambda r: (3, r.opened_at, (0, r.id) if r.id is not None else (1, r.seq))),
    )
    with pytest.raises(PolicyCheckError, match="routes differently on the live desk"):
        check_policy(make_policy("skills_based"))


def test_the_policy_checked_is_left_as_it_was() -> None:
    policy = make_policy("round_robin")
    check_policy(policy)
    assert policy.memory() == 0
