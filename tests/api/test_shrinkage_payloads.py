"""The API's simulate and plan jobs carry team and cost YAML, so shrinkage travels in them."""

from __future__ import annotations

import pytest

from deskmix.errors import ConfigError
from deskmix.plan.inputs import parse_costs
from deskmix.teamfiles import parse_team

COSTS = """\
generalist: 40
specialist: 60
shrinkage:
  generalist: {annual_leave_days: 25, public_holidays: FR}
"""


def test_cost_payload_carries_shrinkage() -> None:
    costs = parse_costs(COSTS)
    assert costs.shrinkage is not None and costs.shrinkage.generalist is not None
    assert costs.shrinkage.generalist.public_holidays == "FR"
    assert costs.shrinkage.specialist is None


def test_bad_shrinkage_in_a_payload_is_one_line() -> None:
    with pytest.raises(ConfigError, match=r"^costs: 'shrinkage.generalist.sickness_rate'"):
        parse_costs("generalist: 40\nspecialist: 60\nshrinkage: {generalist: {sickness_rate: 2}}")
    team = parse_team(
        "name: t\nshrinkage: {specialist: {annual_leave_days: 30}}\n"
        "agents: [{name: s, kind: specialist, cost_per_hour: 60, skills: {network: 3}}]"
    )
    assert team.agents[0].shrinkage is not None
    assert team.agents[0].shrinkage.annual_leave_days == 30
