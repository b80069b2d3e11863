"""Simulations and plans as background jobs: POST answers at once with a job id; GET it for the
status, progress and, when done, the result."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, status
from pydantic import BaseModel, Field

from deskmix.api.auth import read_access, require
from deskmix.api.errors import responses
from deskmix.jobs.params import (
    PlanParams,
    PlanYearParams,
    SimulateParams,
    check_plan,
    check_plan_year,
    check_simulate,
)
from deskmix.jobs.runner import JobInfo, JobRunner

router = APIRouter(tags=["jobs"])

JobId = Annotated[str, Path(min_length=1, max_length=36, description="The id POST gave")]


class JobOut(BaseModel):
    id: str
    kind: str = Field(
        description="simulate, plan or plan-year; the dashboard's pages' runs: "
        "dashboard-simulate, dashboard-plan or dashboard-plan-year"
    )
    status: str = Field(description="queued, running, done or failed")
    progress: int = Field(description="Replications simulated so far")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None = Field(description="Why it failed, when it did")
    result: dict[str, Any] | None = Field(description="KPIs with 95% intervals, when done")

    @classmethod
    def of(cls, job: JobInfo) -> JobOut:
        return cls(
            id=job.id,
            kind=job.kind,
            status=job.status,
            progress=job.progress,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            error=job.error,
            result=job.result,
        )


async def runner_of(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.job_runner
    return runner


@router.post(
    "/jobs/simulate",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Start a simulation (team, workload, policy, what-ifs) as a background job",
    responses=responses(401, 403, 422),
)
def start_simulation(
    body: SimulateParams,
    runner: JobRunner = Depends(runner_of),
    _token: Any = Depends(require("jobs")),
) -> JobOut:
    """Scope: jobs. The inputs are checked now (422 names the file and place); the result
    holds every scenario's KPIs with 95% confidence intervals across replications."""
    check_simulate(body)
    return JobOut.of(runner.submit("simulate", body.model_dump(mode="json")))


@router.post(
    "/jobs/plan",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Start a plan (the cheapest design meeting every SLA) as a background job",
    responses=responses(401, 403, 422),
)
def start_plan(
    body: PlanParams,
    runner: JobRunner = Depends(runner_of),
    _token: Any = Depends(require("jobs")),
) -> JobOut:
    """Scope: jobs. The result holds the recommended design, its checks, the reasons and
    the runners-up."""
    check_plan(body)
    return JobOut.of(runner.submit("plan", body.model_dump(mode="json")))


@router.post(
    "/jobs/plan-year",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Start a 12-month plan (quarter by quarter, with hires and cross-training)",
    responses=responses(401, 403, 422),
)
def start_plan_year(
    body: PlanYearParams,
    runner: JobRunner = Depends(runner_of),
    _token: Any = Depends(require("jobs")),
) -> JobOut:
    """Scope: jobs. As 'deskmix plan-year' with a stated growth rate: the result holds the
    forecast, each quarter's team and cost, and the dated hires and cross-trainings."""
    check_plan_year(body)
    return JobOut.of(runner.submit("plan-year", body.model_dump(mode="json")))


@router.get(
    "/jobs/{job_id}",
    response_model=JobOut,
    summary="A job's status, progress and result",
    responses=responses(401, 403, 404, 422),
)
def get_job(
    job_id: JobId, runner: JobRunner = Depends(runner_of), _read: Any = Depends(read_access)
) -> JobOut:
    return JobOut.of(runner.get(job_id))


@router.get(
    "/jobs",
    response_model=list[JobOut],
    summary="Recent jobs, newest first",
    responses=responses(401, 403, 422),
)
def list_jobs(
    runner: JobRunner = Depends(runner_of),
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    _read: Any = Depends(read_access),
) -> list[JobOut]:
    return [JobOut.of(j) for j in runner.recent(limit)]
