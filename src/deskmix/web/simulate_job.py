"""The simulate page's run as a background job: what the page submits, and what it reads back.

The run goes to the server's ``JobRunner``, the one behind ``/api/jobs``: it is a job row like
any other (``GET /api/jobs`` lists it), it runs in a worker process rather than the request's
thread, and its result outlives the request. The page draws only what the job stored: each
scenario's KPIs (full precision, null where undefined), backlog curve and first routing
decisions come back as ``SimulationResult``s, so the table and the charts are drawn by the
same code as the report.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

import numpy as np
from fastapi import Request
from starlette.concurrency import run_in_threadpool

from deskmix.calibrate.io import dump_workload
from deskmix.errors import NotFoundError
from deskmix.jobs.params import DashboardSimulateParams, check_scenarios
from deskmix.jobs.runner import JobInfo, JobRunner
from deskmix.sample import sample_team_text
from deskmix.sim.kpis import Estimate
from deskmix.sim.runner import SimulationResult
from deskmix.sim.use_case import SimulateRequest
from deskmix.teamfiles import SLA_PRESETS_DIR
from deskmix.web.desk import Dashboard
from deskmix.yamlfiles import validate

JOB_KIND = "dashboard-simulate"
OPEN = ("queued", "running")
WAIT_SECONDS = 600.0
"""How long a form posted without JavaScript (nothing on the page can poll) waits for its
job before the page is answered with the job still running."""
POLL_SECONDS = 0.25


def runner_of(request: Request) -> JobRunner:
    """The server's job runner (made by ``api.app.create_app``, shared with the API)."""
    runner: JobRunner = request.app.state.job_runner
    return runner


def _sla_text(choice: str) -> str | None:
    """An SLA preset as the text of its file; None for deskmix's default targets."""
    if choice == "default":
        return None
    return (SLA_PRESETS_DIR / f"{choice}.yaml").read_text(encoding="utf-8")


def job_params(run: SimulateRequest, values: dict[str, Any], desk: Dashboard) -> dict[str, Any]:
    """The job's inputs from the form as read (``simulate.read_run``): files as YAML text,
    like a ``POST /api/jobs/simulate`` body, so the row says exactly what ran."""
    workload = desk.remembered(("workload-yaml",), lambda: dump_workload(desk.workload()))
    team = sample_team_text() if values["team"] == "sample" else values["team_yaml"]
    fields = {
        "team": team,
        "workload": workload,
        "sla": _sla_text(values["sla"]),
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
    return runner_of(request).submit(JOB_KIND, job_params(run, values, desk))


def job_of(request: Request, job_id: str) -> JobInfo:
    """The page's job by id; any other kind of job is not the page's to show."""
    missing = f"no simulation '{job_id}' of this dashboard; run one again"
    try:
        job = runner_of(request).get(job_id)
    except NotFoundError:
        raise NotFoundError(missing) from None
    if job.kind != JOB_KIND:
        raise NotFoundError(missing)
    return job


async def wait_for(request: Request, job: JobInfo) -> JobInfo:
    """The job once it has ended, or as it stands after ``WAIT_SECONDS``."""
    deadline = time.monotonic() + WAIT_SECONDS
    while job.status in OPEN and time.monotonic() < deadline:
        await asyncio.sleep(POLL_SECONDS)
        job = await run_in_threadpool(runner_of(request).get, job.id)
    return job


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
