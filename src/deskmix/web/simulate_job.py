"""The simulate page's run as a background job: what the page submits, and what it reads back.

The run goes to the server's ``JobRunner`` (``page_jobs``). The page draws only what the job
stored: each scenario's KPIs (full precision, null where undefined), backlog curve and first
routing decisions come back as ``SimulationResult``s, so the table and the charts are drawn by
the same code as the report.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from fastapi import Request

from deskmix.calibrate.io import dump_workload
from deskmix.jobs.params import DashboardSimulateParams, check_scenarios
from deskmix.jobs.runner import JobInfo
from deskmix.sample import sample_team_text
from deskmix.sim.kpis import Estimate
from deskmix.sim.runner import SimulationResult
from deskmix.sim.use_case import SimulateRequest
from deskmix.web import page_jobs
from deskmix.web.desk import Dashboard, sla_text
from deskmix.yamlfiles import validate

JOB_KIND = "dashboard-simulate"


def job_params(run: SimulateRequest, values: dict[str, Any], desk: Dashboard) -> dict[str, Any]:
    """The job's inputs from the form as read (``simulate.read_run``): files as YAML text,
    like a ``POST /api/jobs/simulate`` body, so the row says exactly what ran."""
    workload = desk.remembered(("workload-yaml",), lambda: dump_workload(desk.workload()))
    team = sample_team_text() if values["team"] == "sample" else values["team_yaml"]
    fields = {
        "team": team,
        "workload": workload,
        "sla": sla_text(values["sla"]),
        "policy": run.policy,
        "reps": run.reps,
        "weeks": run.weeks,
        "warmup_weeks": run.warmup_weeks,
        "seed": run.seed,
        "scenarios": list(run.scenarios),
        "sla_name": run.sla_name,
        "form": values,
    }
    # Checked like the API's body: should a limit of the job's ever be stricter than the
    # form's, the user reads which field, not a server error.
    params = validate(DashboardSimulateParams, fields, "simulate form", "simulation")
    return params.model_dump(mode="json")


def submit(
    request: Request, run: SimulateRequest, values: dict[str, Any], desk: Dashboard
) -> JobInfo:
    """Check the what-ifs now (an unknown agent is the user's message, not a failed job),
    then hand the run to the job runner."""
    check_scenarios(run.setup(), list(run.scenarios))
    return page_jobs.runner_of(request).submit(JOB_KIND, job_params(run, values, desk))


def job_of(request: Request, job_id: str) -> JobInfo:
    """The page's simulation job by id."""
    return page_jobs.job_of(request, job_id, JOB_KIND, "simulation")


def total_replications(job: JobInfo) -> int:
    """What the progress counts up to: every scenario's replications, the baseline's too."""
    return int(job.params.get("reps", 0)) * (1 + len(job.params.get("scenarios", [])))


def _number(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _estimate(stored: dict[str, Any]) -> Estimate:
    return Estimate(
        mean=_number(stored["mean"]), half_width=_number(stored["half_width"]), n=stored["n"]
    )


def stored_results(job: JobInfo) -> list[tuple[str, SimulationResult]]:
    """The finished job's scenarios as the page's table and charts take them (the baseline
    first). Only summaries were stored, not each replication's KPIs: ``runs`` is empty."""
    assert job.result is not None
    return [
        (
            scenario["name"],
            SimulationResult(
                policy=scenario["policy"],
                reps=scenario["reps"],
                seed=scenario["seed"],
                runs=[],
                summary={k: _estimate(v) for k, v in scenario["kpis"].items()},
                backlog=np.array([_number(v) for v in scenario["backlog"]], dtype=float),
                decisions=[
                    (d["hour"], d["ticket"], d["reason"]) for d in scenario["first_decisions"]
                ],
            ),
        )
        for scenario in job.result["scenarios"]
    ]
