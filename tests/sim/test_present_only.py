"""People marked left or absent in a team file take no tickets in a simulation."""

from __future__ import annotations

import pytest

from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import Team
from deskmix.errors import ConfigError
from deskmix.routing.policies import make_policy
from deskmix.sim.model import SimSettings, compile_model
from deskmix.sim.runner import simulate
from tests.sim.helpers import pool_team, single_pool


def _marked(size: int, statuses: dict[str, str]) -> Team:
    team = pool_team(size)
    agents = [a.model_copy(update={"status": statuses.get(a.name, "active")}) for a in team.agents]
    return team.model_copy(update={"agents": agents})


def test_left_and_absent_people_are_not_simulated() -> None:
    workload = single_pool(rate_per_hour=1.0, mean_hours=1.5)
    settings = SimSettings(weeks=2)
    team = _marked(4, {"g1": "left", "g3": "absent"})
    model = compile_model(workload, team, SlaPolicy.default(), settings)
    assert [a.name for a in model.agents] == ["g0", "g2"]
    # the same as a file that never listed them: same arrays, same results on the same seed
    only_present = team.model_copy(
        update={"agents": [a for a in team.agents if a.status == "active"]}
    )
    twin = compile_model(workload, only_present, SlaPolicy.default(), settings)
    policy = make_policy("generalist_first")
    one = simulate(model, policy, reps=2, seed=3, workers=1)
    two = simulate(twin, policy, reps=2, seed=3, workers=1)
    assert one.runs == two.runs
    assert one.runs[0]["tickets"] > 0


def test_a_team_with_everyone_gone_is_refused_naming_them() -> None:
    team = _marked(2, {"g0": "left", "g1": "absent"})
    with pytest.raises(ConfigError, match="everyone is marked left or absent: g0, g1"):
        compile_model(single_pool(1.0, 1.0), team, SlaPolicy.default(), SimSettings(weeks=1))
