"""The simulate page: a team and what-ifs run on the stored workload, KPIs with intervals.

The form's fields become exactly what ``deskmix simulate`` builds from its flags (a
``SimulateRequest`` for ``deskmix.sim.use_case.simulate_desk``). The page's run is a
background job (``simulate_job``): htmx polls ``/simulate/jobs/{id}`` every second for its
progress and then its result, drawn from what the job stored; a form posted without
JavaScript waits for the job instead. Runs are kept small (the use case's ``QUICK`` size, one
process) so a page answers in a second or two; the same seed gives the same numbers, which is
why the report download simply runs them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from deskmix.errors import DeskmixError, NotFoundError
from deskmix.jobs.runner import JobInfo
from deskmix.reports.charts.simulation import backlog_over_time, sla_comparison
from deskmix.reports.simulation import simulation_report
from deskmix.routing.policies import POLICIES
from deskmix.sim.table import format_cell, kpi_rows, thin_notes
from deskmix.sim.use_case import (
    DEFAULT_POLICY,
    QUICK,
    SimulateRequest,
    SimulateResult,
    quick_scenarios,
    simulate_desk,
)
from deskmix.teamfiles import SLA_CHOICES, sla_preset
from deskmix.web import forms, page_jobs, simulate_job
from deskmix.web.desk import (
    TEAM_CHOICES,
    Dashboard,
    dashboard_of,
    frozen_values,
    sample_team,
    team_from,
)
from deskmix.web.rendering import figure_div, fragment, is_htmx, page, user_error

router = APIRouter()

DEFAULTS: dict[str, Any] = {
    "team": "sample",
    "team_yaml": "",
    "policy": DEFAULT_POLICY,
    "sla": "default",
    "reps": QUICK.reps,
    "weeks": QUICK.weeks,
    "seed": 0,
    "load": "",
    "absent": "",
    "compare_policy": [],
}
MAX_REPS, MAX_WEEKS = QUICK.max_reps, int(QUICK.max_weeks)


@dataclass(frozen=True)
class Run:
    request: SimulateRequest
    values: dict[str, Any]
    """The form as read, to fill it in again and to carry into the report download."""


def read_run(form: forms.Form, desk: Dashboard) -> Run:
    """The form's fields as a baseline and what-if scenarios (an ``InputError`` names a field)."""
    values = dict(DEFAULTS)
    values["team"] = forms.choice(form, "team", TEAM_CHOICES, "sample")
    values["team_yaml"] = forms.text(form, "team_yaml")
    values["policy"] = forms.choice(form, "policy", list(POLICIES), DEFAULT_POLICY)
    values["sla"] = forms.choice(form, "sla", SLA_CHOICES, "default")
    values["reps"] = forms.integer(form, "reps", DEFAULTS["reps"], QUICK.min_reps, MAX_REPS)
    values["weeks"] = forms.integer(form, "weeks", DEFAULTS["weeks"], 1, MAX_WEEKS)
    values["seed"] = forms.integer(form, "seed", 0, 0, 2**31 - 1)
    values["load"] = forms.text(form, "load")
    values["absent"] = forms.text(form, "absent")
    values["compare_policy"] = [
        forms.choice({"compare_policy": p}, "compare_policy", list(POLICIES), p)
        for p in forms.texts(form, "compare_policy")
    ]
    team = team_from(values["team"], values["team_yaml"])
    workload = desk.workload()
    load = forms.decimal(form, "load", 1.0, 0.1, 5.0) if values["load"] else None
    scenarios = quick_scenarios(
        load,
        [values["absent"]] if values["absent"] else [],
        policies=values["compare_policy"],
        baseline_policy=values["policy"],
    )
    request = SimulateRequest(
        workload=workload,
        team=team,
        sla=sla_preset(values["sla"]),
        sla_name=values["sla"],
        policy=values["policy"],
        scenarios=scenarios,
        reps=values["reps"],
        weeks=values["weeks"],
        warmup_weeks=QUICK.warmup_weeks,
        seed=values["seed"],
        workers=1,  # replications are short here; forking from a server thread is not worth it
    )
    return Run(request, values)


def run_simulation(run: Run, desk: Dashboard) -> SimulateResult:
    return desk.remembered(
        ("simulate", frozen_values(run.values)), lambda: simulate_desk(run.request)
    )


def _form_context(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "values": values,
        "policies": list(POLICIES),
        "sla_choices": SLA_CHOICES,
        "team_choices": TEAM_CHOICES,
        "sample_agents": [a.name for a in sample_team().agents],
        "max_reps": MAX_REPS,
        "max_weeks": MAX_WEEKS,
        "result": None,
        "job": None,
        "error": None,
    }


def _result_context(job: JobInfo) -> dict[str, Any]:
    """The finished job's result as the page draws it."""
    assert job.result is not None
    results = simulate_job.stored_results(job)
    baseline = results[0][1]
    return {
        "names": [name for name, _ in results],
        "rows": [
            (label, [format_cell(r, kpi, fmt) for _, r in results])
            for label, kpi, fmt in kpi_rows(results)
        ],
        "notes": thin_notes(results, [kpi for _, kpi, _ in kpi_rows(results)]),
        "title": job.result["title"],
        "run": job.result["run"],
        "sla_chart": figure_div(sla_comparison(results)),
        "backlog_chart": figure_div(backlog_over_time(results)),
        "decisions": baseline.decisions[:8],
    }


@router.get("/simulate", response_class=HTMLResponse)
def simulate_page(request: Request) -> HTMLResponse:
    return page(request, "simulate.html", "simulate", _form_context(dict(DEFAULTS)))


def _job_answer(request: Request, job: JobInfo, values: dict[str, Any]) -> HTMLResponse:
    """The job as it stands: its progress (polled again), its failure, or its result."""
    if job.status == "failed":
        message = job.error or "the simulation failed"
        return user_error(request, message, "simulate.html", "simulate", _form_context(values))
    if job.status == "done":
        context = {**_form_context(values), "result": _result_context(job)}
        name = "_simulate_result.html"
    else:
        progress = {"id": job.id, "status": job.status, "progress": job.progress}
        total = simulate_job.total_replications(job)
        context = {**_form_context(values), "job": {**progress, "total": total}}
        name = "_simulate_job.html"
    if is_htmx(request):
        return fragment(request, name, context)
    return page(request, "simulate.html", "simulate", context)


@router.post("/simulate", response_class=HTMLResponse)
async def simulate_submit(request: Request) -> HTMLResponse:
    """Start the run as a job: htmx gets the polling fragment, a plain form post the page
    once the job has ended."""
    form = await request.form()
    values = dict(DEFAULTS)
    try:
        desk = dashboard_of(request)
        run = await run_in_threadpool(read_run, form, desk)
        values = run.values
        job = await run_in_threadpool(simulate_job.submit, request, run.request, values, desk)
    except DeskmixError as exc:
        return user_error(request, str(exc), "simulate.html", "simulate", _form_context(values))
    if not is_htmx(request):
        job = await page_jobs.wait_for(request, job)
    return _job_answer(request, job, values)


@router.get("/simulate/jobs/{job_id}", response_class=HTMLResponse)
def simulate_job_status(request: Request, job_id: str) -> HTMLResponse:
    """A page's simulation job: what htmx polls until the result replaces it."""
    try:
        job = simulate_job.job_of(request, job_id)
    except NotFoundError as exc:
        context = _form_context(dict(DEFAULTS))
        return user_error(request, str(exc), "simulate.html", "simulate", context)
    values = {**DEFAULTS, **job.params.get("form", {})}
    return _job_answer(request, job, values)


@router.post("/simulate/report", response_class=HTMLResponse)
async def simulate_report(request: Request) -> HTMLResponse:
    """The same run as a self-contained HTML report, as a download (same seed, same numbers)."""
    form = await request.form()
    try:
        desk = dashboard_of(request)
        run = read_run(form, desk)
        outcome = run_simulation(run, desk)
    except DeskmixError as exc:
        return page(
            request,
            "simulate.html",
            "simulate",
            {**_form_context(dict(DEFAULTS)), "error": str(exc)},
            status=422,
        )
    html = simulation_report(outcome.setup, outcome.runs).render()
    return HTMLResponse(
        html, headers={"Content-Disposition": 'attachment; filename="deskmix-simulation.html"'}
    )
