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
from datetime import UTC, datetime
from typing import Any

from deskmix.calibrate.io import parse_workload
from deskmix.errors import DeskmixError
from deskmix.jobs.heartbeat import Heartbeat
from deskmix.jobs.params import (
    DashboardPlanParams,
    DashboardSimulateParams,
    DashboardYearParams,
    PlanParams,
    PlanYearParams,
    SimulateParams,
)
from deskmix.plan.inputs import parse_costs, parse_offers, with_named_offers
from deskmix.sim.kpis import json_number
from deskmix.sim.runner import SimulationResult
from deskmix.sim.whatif import compare
from deskmix.store import Store, open_store
from deskmix.store.jobs import take_job, update_held_job
from deskmix.teamfiles import parse_sla, parse_team

log = logging.getLogger("deskmix.jobs")
Progress = Callable[[int], None]


def runner_id() -> str:
    """This process, as a job's row names whoever holds it: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


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


def _curve(result: SimulationResult) -> list[float | None]:
    """The mean backlog by hour, two decimals (as the page's chart draws it), NaN as null."""
    return [json_number(round(float(v), 2)) for v in result.backlog]


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


def run_dashboard_simulation(params: DashboardSimulateParams, progress: Progress) -> dict[str, Any]:
    """The simulate job's result plus what the dashboard's page draws and no API client needs:
    each scenario's backlog curve, the page's title and run line. One process: the page's
    runs are small, and a pool of simulator processes would take longer to start than to run."""
    from deskmix.reports.simulation import run_description

    setup = params.setup()
    results = compare(
        setup,
        list(params.scenarios),
        reps=params.reps,
        seed=params.seed,
        workers=1,
        progress=progress,
    )
    baseline = results[0][1]
    return {
        "title": f"{setup.team.name} under {baseline.policy}",
        "run": run_description(setup, baseline),
        "scenarios": [{**_simulation(name, r), "backlog": _curve(r)} for name, r in results],
    }


def run_plan(
    params: PlanParams, workers: int | None, progress: Progress, dask: str | None = None
) -> dict[str, Any]:
    """The same use case as 'deskmix plan' (``deskmix.plan.use_case``)."""
    from deskmix.plan.output import plan_json
    from deskmix.plan.use_case import plan_desk

    return plan_json(plan_desk(params.inputs(), workers=workers, dask=dask, progress=progress))


def run_dashboard_plan(params: DashboardPlanParams, progress: Progress) -> dict[str, Any]:
    """The plan job's result plus what the dashboard's plan page draws (``plan_page``). One
    process, as the page always ran it: its searches are small."""
    from deskmix.jobs.plan_page import plan_page
    from deskmix.plan.output import plan_json
    from deskmix.plan.use_case import plan_desk

    outcome = plan_desk(params.inputs(), workers=1, progress=progress)
    return {**plan_json(outcome), "page": plan_page(outcome)}


def _set(store: Store, job_id: str, **values: Any) -> bool:
    """Write to the job's row while this worker still holds it; False once it does not."""
    return update_held_job(store, job_id, runner_id(), **values)


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
        row = take_job(store, job_id, runner_id(), datetime.now(UTC))
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
        elif kind == "dashboard-simulate":
            result = run_dashboard_simulation(
                DashboardSimulateParams.model_validate(params), progress
            )
        elif kind == "dashboard-plan":
            result = run_dashboard_plan(DashboardPlanParams.model_validate(params), progress)
        elif kind == "dashboard-plan-year":
            # One process, as the year page always ran it: its quarters are small searches.
            year = DashboardYearParams.model_validate(params)
            result = run_plan_year(year, 1, progress)
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
