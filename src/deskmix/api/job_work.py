"""What a background job does, run in a worker process of its own.

Jobs run in spawned processes rather than threads of the server: a simulation uses every core
through its own process pool, and forking that pool from a single-threaded job process is safe
where forking from the threaded server would not be. The worker opens the store from its URL
and writes progress, result or error to the job's row itself, so status survives the request
and the server process.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, cast

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Table, select, update

from deskmix.api.heartbeat import Heartbeat
from deskmix.calibrate.io import parse_workload
from deskmix.errors import DeskmixError
from deskmix.plan.inputs import parse_costs, parse_offers, with_named_offers
from deskmix.plan.lead_times import (
    DEFAULT_HIRE_COST,
    DEFAULT_HIRE_LEAD_WEEKS,
    DEFAULT_TRAINING_COST,
    DEFAULT_TRAINING_WEEKS,
)
from deskmix.plan.request import PlanRequest
from deskmix.sim.model import SimSettings
from deskmix.sim.runner import SimulationResult
from deskmix.sim.whatif import Scenario, Setup, compare
from deskmix.store import Store, open_store
from deskmix.store.models import JobRow
from deskmix.teamfiles import parse_sla, parse_team

JOBS = cast(Table, JobRow.__table__)
log = logging.getLogger("deskmix.jobs")
Progress = Callable[[int], None]


def runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SimulateParams(_Strict):
    """A simulation: the same inputs as 'deskmix simulate', files given as YAML (or JSON) text."""

    team: str = Field(min_length=1, max_length=2_000_000, description="Team YAML")
    workload: str = Field(min_length=1, max_length=20_000_000, description="Workload YAML")
    sla: str | None = Field(default=None, max_length=1_000_000, description="SLA YAML")
    policy: str = "generalist_first"
    reps: int = Field(default=10, ge=2, le=200)
    weeks: float = Field(default=13, ge=1, le=104)
    warmup_weeks: float = Field(default=1, ge=0, le=52)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    scenarios: list[Scenario] = Field(default_factory=list, max_length=20)

    def setup(self) -> Setup:
        return Setup(
            workload=parse_workload(self.workload, "workload"),
            team=parse_team(self.team, "team"),
            sla=parse_sla(self.sla),
            settings=SimSettings(weeks=self.weeks, warmup_weeks=self.warmup_weeks),
            policy=self.policy,
            policy_settings={},
        )


PlanParams = PlanRequest  # the plan job takes the one input model of every plan


class PlanYearParams(_Strict):
    """A 12-month plan, as 'deskmix plan-year' with a stated growth rate: files as YAML text."""

    workload: str = Field(min_length=1, max_length=20_000_000, description="Workload YAML")
    costs: str = Field(min_length=1, max_length=1_000_000, description="Costs YAML")
    sla: str | None = Field(default=None, max_length=1_000_000, description="SLA YAML")
    msp: str | None = Field(default=None, max_length=1_000_000, description="MSP offers YAML")
    existing_team: str | None = Field(
        default=None, max_length=2_000_000, description="Team YAML of today's people (they stay)"
    )
    growth: float | None = Field(
        default=None, gt=-1, le=10, description="Volume growth a year (0.1: +10%); none: 0"
    )
    quarters: int = Field(default=4, ge=1, le=8)
    start: date | None = Field(default=None, description="First quarter's Monday; default next")
    hire_lead_weeks: float = Field(default=DEFAULT_HIRE_LEAD_WEEKS, ge=0, le=104)
    training_weeks: float = Field(default=DEFAULT_TRAINING_WEEKS, ge=0, le=104)
    hire_cost: float = Field(default=DEFAULT_HIRE_COST, ge=0, le=1e9)
    training_cost: float = Field(default=DEFAULT_TRAINING_COST, ge=0, le=1e9)
    reps: int = Field(default=6, ge=2, le=50)
    weeks: float = Field(default=6, ge=1, le=52)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    max_designs: int = Field(default=40, ge=1, le=300)


def check_simulate(params: SimulateParams) -> None:
    """Fail at submission (422) rather than in the job on input that cannot run."""
    from deskmix.routing.policies import make_policy
    from deskmix.sim.whatif import apply_scenario

    base = params.setup()
    make_policy(params.policy)
    for scenario in params.scenarios:
        apply_scenario(base, scenario)
        if scenario.policy:
            make_policy(scenario.policy, **scenario.policy_settings)


def check_plan_year(params: PlanYearParams) -> None:
    parse_workload(params.workload, "workload")
    parse_costs(params.costs)
    parse_sla(params.sla)
    parse_offers(params.msp)
    if params.existing_team:
        parse_team(params.existing_team, "existing_team")


def run_plan_year(
    params: PlanYearParams, workers: int | None, progress: Progress, dask: str | None = None
) -> dict[str, Any]:
    """The same use case as 'deskmix plan-year' (forecast by the stated growth rate)."""
    from deskmix.calibrate.forecast import forecast
    from deskmix.plan.evaluate import RunSettings
    from deskmix.plan.horizon import HiringTerms, plan_horizon

    workload = parse_workload(params.workload, "workload")
    existing = parse_team(params.existing_team, "existing_team") if params.existing_team else None
    offers = parse_offers(params.msp)
    if existing is not None:
        offers = with_named_offers(offers, [("today's team", existing)])
    volume = forecast(
        workload,
        quarters=params.quarters,
        growth=params.growth,
        history=None,
        start=params.start,
    )
    plan = plan_horizon(
        workload,
        parse_sla(params.sla),
        parse_costs(params.costs),
        offers,
        RunSettings(reps=params.reps, weeks=params.weeks, seed=params.seed, workers=workers),
        volume,
        existing=existing,
        terms=HiringTerms(
            hire_lead_weeks=params.hire_lead_weeks,
            hire_cost=params.hire_cost,
            training_weeks=params.training_weeks,
            training_cost=params.training_cost,
        ),
        max_designs=params.max_designs,
        progress=progress,
        dask=dask,
    )
    return plan.model_dump(mode="json")


def check_plan(params: PlanParams) -> None:
    params.inputs()


def _simulation(name: str, result: SimulationResult) -> dict[str, Any]:
    return {
        "name": name,
        "policy": result.policy,
        "reps": result.reps,
        "seed": result.seed,
        "kpis": {k: v.as_json() for k, v in result.summary.items()},
        "first_decisions": [
            {"hour": when, "ticket": ticket, "reason": why}
            for when, ticket, why in result.decisions[:10]
        ],
    }


def run_simulation(
    params: SimulateParams, workers: int | None, progress: Progress
) -> dict[str, Any]:
    results = compare(
        params.setup(),
        list(params.scenarios),
        reps=params.reps,
        seed=params.seed,
        workers=workers,
        progress=progress,
    )
    return {"scenarios": [_simulation(name, r) for name, r in results]}


def run_plan(
    params: PlanParams, workers: int | None, progress: Progress, dask: str | None = None
) -> dict[str, Any]:
    """The same use case as 'deskmix plan' (``deskmix.plan.use_case``)."""
    from deskmix.plan.output import plan_json
    from deskmix.plan.use_case import plan_desk

    return plan_json(plan_desk(params.inputs(), workers=workers, dask=dask, progress=progress))


def _set(store: Store, job_id: str, **values: Any) -> bool:
    """Write to the job's row while this worker still holds it; False once it does not.

    Another server may have marked the job failed (silent too long) and the user may have
    submitted it again: a worker that comes back must not turn that row into "done" too.
    """
    with store.transaction() as connection:
        written = connection.execute(
            update(JOBS)
            .where(JOBS.c.id == job_id, JOBS.c.status == "running", JOBS.c.runner == runner_id())
            .values(**values)
        )
        return written.rowcount > 0


def _start(store: Store, job_id: str) -> Any:
    """Take the job if it is still waiting (the row, or None: failed or taken meanwhile)."""
    now = datetime.now(UTC)
    with store.transaction() as connection:
        taken = connection.execute(
            update(JOBS)
            .where(JOBS.c.id == job_id, JOBS.c.status == "queued")
            .values(status="running", started_at=now, heartbeat_at=now, runner=runner_id())
        )
        if taken.rowcount == 0:
            return None
        return connection.execute(select(JOBS).where(JOBS.c.id == job_id)).one()


def run_job(
    db_url: str,
    job_id: str,
    workers: int | None,
    dask: str | None = None,
    heartbeat_seconds: float = 10.0,
) -> None:
    """Entry point of a job's worker process."""
    store = open_store(db_url, migrate=False)
    heartbeat: Heartbeat | None = None
    try:
        row = _start(store, job_id)
        if row is None:
            log.warning("job %s is no longer waiting; not started", job_id)
            return
        heartbeat = Heartbeat(
            lambda: _set(store, job_id, heartbeat_at=datetime.now(UTC)),
            heartbeat_seconds,
            name=f"job-{job_id}",
        ).start()
        _work(store, job_id, row.kind, row.params, workers, dask)
    finally:
        if heartbeat is not None:
            heartbeat.stop()
        store.dispose()


def _work(
    store: Store,
    job_id: str,
    kind: str,
    params: dict[str, Any],
    workers: int | None,
    dask: str | None,
) -> None:
    """Run the job and write how it ended: done with its result, or failed and why."""
    done = 0
    last = 0.0

    def progress(n: int) -> None:
        nonlocal done, last
        done += n
        if time.monotonic() - last > 0.5:
            last = time.monotonic()
            _set(store, job_id, progress=done)

    try:
        if kind == "simulate":
            result = run_simulation(SimulateParams.model_validate(params), workers, progress)
        elif kind == "plan-year":
            result = run_plan_year(PlanYearParams.model_validate(params), workers, progress, dask)
        else:
            result = run_plan(PlanParams.model_validate(params), workers, progress, dask)
    except DeskmixError as exc:
        _set(store, job_id, status="failed", error=str(exc), finished_at=datetime.now(UTC))
        return
    except Exception as exc:  # a bug: keep the server's job record honest, log the trace
        log.exception("job %s failed", job_id)
        _set(
            store,
            job_id,
            status="failed",
            error=f"internal error ({type(exc).__name__}); see the server log",
            finished_at=datetime.now(UTC),
        )
        return
    finished = _set(
        store,
        job_id,
        status="done",
        result=result,
        progress=done,
        error=None,
        finished_at=datetime.now(UTC),
    )
    if not finished:
        log.warning("job %s finished after another server had failed it; result dropped", job_id)
