"""The simulation use case called directly: the baseline and what-ifs on one seed."""

from __future__ import annotations

import pytest

from deskmix.domain.sla import SlaPolicy
from deskmix.sim.use_case import (
    FULL,
    JOB,
    QUICK,
    SimulateRequest,
    quick_scenarios,
    simulate_desk,
)
from deskmix.teamfiles import parse_team
from tests.sim.helpers import two_domains

TEAM = """
name: small desk
agents:
  - {name: Desk, count: 3, kind: generalist, cost_per_hour: 40}
  - {name: Net, kind: specialist, cost_per_hour: 60, skills: {network: 4}}
"""


def test_single_what_if_fields_become_named_scenarios() -> None:
    scenarios = quick_scenarios(1.5, ["Net"], 2, ["skills_based", "generalist_first"])
    assert [s.name for s in scenarios] == [
        "load x1.5",
        "Net out",
        "2 out",
        "skills_based",
        "generalist_first",
    ]
    assert scenarios[1].absent[0].agent == "Net" and scenarios[2].absent[0].count == 2
    skipped = quick_scenarios(policies=["generalist_first"], baseline_policy="generalist_first")
    assert skipped == []


def test_the_run_sizes_each_interface_starts_from() -> None:
    assert (FULL.reps, JOB.reps, QUICK.reps) == (30, 10, 5)
    assert QUICK.max_reps <= FULL.max_reps and QUICK.weeks < FULL.weeks


def test_more_load_on_the_same_seed_means_a_busier_desk() -> None:
    request = SimulateRequest(
        workload=two_domains(150, 30),
        team=parse_team(TEAM),
        sla=SlaPolicy.default(),
        sla_name="defaults",
        scenarios=quick_scenarios(load=1.5),
        reps=3,
        weeks=3,
        workers=1,
    )
    result = simulate_desk(request)
    assert [name for name, _ in result.runs] == ["baseline", "load x1.5"]
    base, busier = (r["utilisation/generalist"].mean for _, r in result.runs)
    assert 0 < base < busier <= 1
    output = result.output()
    assert output.sla == "defaults" and output.reps == 3 and output.weeks == 3
    assert result.projects is None
    again = simulate_desk(request)
    assert again.baseline["utilisation/generalist"].mean == pytest.approx(base, abs=0)
