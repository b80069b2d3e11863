"""The year page: the 12-month plan of ``deskmix plan-year`` on the dashboard's desk.

The stored history's workload grows by the stated rate a year; each quarter is planned on top
of today's team (the sample desk's, who stay) and the hires before, and the page lists who to
hire or cross-train by when. Runs are small so the page answers in seconds to a minute. The
plan runs as a background job (kind ``dashboard-plan-year``, ``page_jobs``) with the inputs of
``POST /api/jobs/plan-year``; htmx polls it every second and the page draws the ``YearPlan``
the job stored.
"""

from __future__ import annotations

from typing import Any

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from deskmix.calibrate.io import dump_workload
from deskmix.errors import DeskmixError, NotFoundError
from deskmix.jobs.params import DashboardYearParams, check_plan_year
from deskmix.jobs.runner import JobInfo
from deskmix.plan.horizon import YearPlan
from deskmix.plan.request import team_text
from deskmix.reports.charts.horizon import volume_and_headcount
from deskmix.teamfiles import SLA_CHOICES
from deskmix.web import forms, page_jobs
from deskmix.web.desk import Dashboard, dashboard_of, sample_team, sla_text
from deskmix.web.rendering import figure_div, fragment, is_htmx, page, user_error
from deskmix.yamlfiles import validate

router = APIRouter()

DEFAULTS: dict[str, Any] = {
    "sla": "weekday",
    "growth": "0.1",
    "quarters": 4,
    "generalist_cost": 40,
    "specialist_cost": 60,
    "reps": 3,
    "weeks": 3,
    "max_designs": 10,
    "seed": 0,
}


def _read(form: forms.Form) -> dict[str, Any]:
    values = dict(DEFAULTS)
    values["sla"] = forms.choice(form, "sla", SLA_CHOICES, "weekday")
    values["growth"] = f"{forms.decimal(form, 'growth', 0.1, -0.99, 10):g}"
    values["quarters"] = forms.integer(form, "quarters", 4, 1, 8)
    values["generalist_cost"] = forms.decimal(form, "generalist_cost", 40, 1, 10_000)
    values["specialist_cost"] = forms.decimal(form, "specialist_cost", 60, 1, 10_000)
    values["reps"] = forms.integer(form, "reps", 3, 2, 10)
    values["weeks"] = forms.integer(form, "weeks", 3, 1, 13)
    values["max_designs"] = forms.integer(form, "max_designs", 10, 2, 40)
    values["seed"] = forms.integer(form, "seed", 0, 0, 2**31 - 1)
    return values


JOB_KIND = "dashboard-plan-year"


def job_params(values: dict[str, Any], desk: Dashboard) -> DashboardYearParams:
    """The form as ``POST /api/jobs/plan-year`` takes it: the stored history's workload
    growing by the stated rate, today's sample team staying (its MSP contracts offered, as
    the page always offered them), the quarter costs and the preset SLA targets as YAML."""
    today = sample_team()
    offers = [c.model_dump(mode="json") for c in today.msp]
    costs = {"generalist": values["generalist_cost"], "specialist": values["specialist_cost"]}
    fields = {
        "workload": desk.remembered(("workload-yaml",), lambda: dump_workload(desk.workload())),
        "costs": yaml.safe_dump(costs),
        "sla": sla_text(values["sla"]),
        "msp": yaml.safe_dump({"offers": offers}),
        "existing_team": team_text(today.model_copy(update={"msp": []})),
        "growth": float(values["growth"]),
        "quarters": values["quarters"],
        "reps": values["reps"],
        "weeks": values["weeks"],
        "seed": values["seed"],
        "max_designs": values["max_designs"],
        "form": values,
    }
    params = validate(DashboardYearParams, fields, "year form", "12-month plan")
    check_plan_year(params)
    return params


def _submit(request: Request, values: dict[str, Any]) -> JobInfo:
    params = job_params(values, dashboard_of(request))
    return page_jobs.runner_of(request).submit(JOB_KIND, params.model_dump(mode="json"))


def _context(
    values: dict[str, Any], plan: YearPlan | None = None, job: dict[str, Any] | None = None
) -> dict[str, Any]:
    result = None
    if plan is not None:
        result = {
            "plan": plan,
            "chart": figure_div(volume_and_headcount(plan)),
        }
    return {
        "values": values,
        "sla_choices": SLA_CHOICES,
        "result": result,
        "job": job,
        "error": None,
    }


@router.get("/year", response_class=HTMLResponse)
def year_page(request: Request) -> HTMLResponse:
    return page(request, "year.html", "year", _context(dict(DEFAULTS)))


def _job_answer(request: Request, job: JobInfo, values: dict[str, Any]) -> HTMLResponse:
    """The job as it stands: its progress (polled again), its failure, or the plan it stored."""
    if job.status == "failed":
        message = job.error or "the 12-month plan failed"
        return user_error(request, message, "year.html", "year", _context(values))
    if job.status == "done":
        context = _context(values, YearPlan.model_validate(job.result))
        name = "_year_result.html"
    else:
        progress = {"id": job.id, "status": job.status, "progress": job.progress}
        context = _context(values, job=progress)
        name = "_year_job.html"
    if is_htmx(request):
        return fragment(request, name, context)
    return page(request, "year.html", "year", context)


@router.post("/year", response_class=HTMLResponse)
async def year_submit(request: Request) -> HTMLResponse:
    """Start the 12-month plan as a job: htmx gets the polling fragment, a plain form post
    the page once the job has ended."""
    form = await request.form()
    values = dict(DEFAULTS)
    try:
        values = _read(form)
        job = await run_in_threadpool(_submit, request, values)
    except DeskmixError as exc:
        return user_error(request, str(exc), "year.html", "year", _context(values))
    if not is_htmx(request):
        job = await page_jobs.wait_for(request, job)
    return _job_answer(request, job, values)


@router.get("/year/jobs/{job_id}", response_class=HTMLResponse)
def year_job_status(request: Request, job_id: str) -> HTMLResponse:
    """A page's 12-month plan job: what htmx polls until the plan replaces it."""
    try:
        job = page_jobs.job_of(request, job_id, JOB_KIND, "12-month plan")
    except NotFoundError as exc:
        return user_error(request, str(exc), "year.html", "year", _context(dict(DEFAULTS)))
    values = {**DEFAULTS, **job.params.get("form", {})}
    return _job_answer(request, job, values)
