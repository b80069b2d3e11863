"""The plan use case called directly: one request in, a recommendation with its stress tests
and compared designs out, the same on the same seed."""

from __future__ import annotations

from deskmix.calibrate.io import dump_workload
from deskmix.plan.request import PlanRequest, designs_text
from deskmix.plan.use_case import plan_desk
from tests.plan.helpers import generalists, two_pool_workload

COSTS = """\
generalist: 30
specialist: 50
constraints:
  shifts: [{days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "24:00"}]
"""
SLA = """\
targets:
  - {priority: P2, response_hours: 1, resolution_hours: 12, share: 0.85}
  - {priority: P3, response_hours: 1, resolution_hours: 12, share: 0.85}
"""


def _request(stress: bool = True) -> PlanRequest:
    return PlanRequest(
        workload=dump_workload(two_pool_workload()),
        costs=COSTS,
        sla=SLA,
        compare=designs_text([("two generalists", generalists(2))]),
        reps=3,
        weeks=2,
        max_designs=25,
        stress=stress,
    )


def test_the_recommendation_meets_every_target_and_beats_an_understaffed_team() -> None:
    stages: list[str] = []
    outcome = plan_desk(_request().inputs(), workers=1, stage=stages.append)
    evaluation = outcome.plan.evaluation
    assert evaluation.feasible and all(c.met for c in evaluation.checks)
    assert outcome.plan.recommended.headcount >= 2
    assert stages[0] == "planning" and "stress tests" in stages
    assert outcome.stresses and outcome.projects is None
    [(name, compared)] = outcome.compared
    assert name == "two generalists" and not compared.feasible


def test_the_same_request_gives_the_same_plan() -> None:
    first = plan_desk(_request(stress=False).inputs(), workers=1)
    again = plan_desk(_request(stress=False).inputs(), workers=1)
    assert first.stresses == [] and again.stresses == []
    assert first.plan.recommended == again.plan.recommended
    assert first.plan.evaluation.cost.mean == again.plan.evaluation.cost.mean
