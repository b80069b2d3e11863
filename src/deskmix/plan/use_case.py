"""The plan use case: one function behind ``deskmix plan``, the API job, the dashboard and the
demo, so the same inputs give the same recommendation wherever they are given.

It searches (``search.Planner``), stress-tests the recommendation, simulates the designs the
user named beside it and, with a portfolio, plans the projects on the recommended team.
Interfaces only turn their inputs into a ``PlanRequest`` and the outcome into tables, JSON or
pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from deskmix.plan.analysis import Stress, compare_designs, sensitivity
from deskmix.plan.evaluate import Evaluation, Progress
from deskmix.plan.projects import ProjectPlan, plan_projects
from deskmix.plan.request import PlanInputs
from deskmix.plan.result import PlanResult
from deskmix.plan.search import Planner

Stage = Callable[[str], None]  # told what the plan is doing now (a progress bar's label)


@dataclass(frozen=True)
class PlanOutcome:
    inputs: PlanInputs
    plan: PlanResult
    stresses: list[Stress]
    compared: list[tuple[str, Evaluation]]
    projects: ProjectPlan | None = None


def plan_desk(
    inputs: PlanInputs,
    *,
    workers: int | None = None,
    dask: str | None = None,
    progress: Progress | None = None,
    stage: Stage | None = None,
) -> PlanOutcome:
    """Search, stress, compare, plan the projects; ``workers`` and ``dask`` choose where the
    designs are simulated and never change the answer (the batches are fixed)."""
    tell = stage or (lambda _: None)
    run = replace(inputs.run, workers=workers)
    tell("planning")
    with Planner(
        inputs.workload,
        inputs.sla,
        inputs.costs,
        inputs.offers,
        run,
        max_evaluations=inputs.max_designs,
        progress=progress,
        existing=inputs.existing,
        dask=dask,
        budget_per_year=inputs.budget_per_year,
    ) as planner:
        plan = planner.plan()
    stresses: list[Stress] = []
    if inputs.stress:
        tell("stress tests")
        stresses = sensitivity(inputs.workload, inputs.sla, plan, progress=progress)
    tell("designs compared")
    compared = compare_designs(inputs.workload, inputs.sla, inputs.compared, run, progress=progress)
    projects = None
    if inputs.portfolio is not None:
        tell("projects")
        projects = plan_projects(
            inputs.workload,
            inputs.sla,
            plan.evaluation.team,
            inputs.costs,
            inputs.offers,
            inputs.portfolio,
            run,
            plan.evaluation.result.runs,
        )
    return PlanOutcome(inputs, plan, stresses, compared, projects)
