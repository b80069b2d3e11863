"""The plan page: the same plan as ``deskmix plan`` and ``deskmix demo``, on this desk's history.

The form carries every input the CLI takes, as text areas a user may edit or fill from a file
(costs, SLA targets, MSP offers, the staff who stay, designs to compare, a project portfolio)
and the run's size, within the CLI's limits (``deskmix.plan.request``). It opens with the
demo's inputs and today's sample team to compare against, so on the sample desk the page and
``deskmix demo`` recommend the same team. The workload is the stored history's, unless a
workload file is given. The plan runs as a background job (kind ``dashboard-plan``,
``page_jobs``) that htmx polls every second; the page draws what the job stored
(``deskmix.jobs.plan_page``). The planner is seeded, so the downloads run the same search
again and get the same plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from deskmix.calibrate.io import dump_workload
from deskmix.errors import DeskmixError, InputError, NotFoundError
from deskmix.jobs.params import DashboardPlanParams
from deskmix.jobs.runner import JobInfo
from deskmix.plan.output import team_yaml
from deskmix.plan.request import (
    MAX_BUDGET,
    MAX_DESIGNS,
    MAX_REPS,
    MAX_WEEKS,
    PlanInputs,
    PlanRequest,
    designs_text,
    team_text,
)
from deskmix.plan.use_case import PlanOutcome, plan_desk
from deskmix.reports.plan import plan_report
from deskmix.routing.policies import POLICIES
from deskmix.sample.demo import COSTS, DEMO_MAX_DESIGNS, DEMO_RUN, OFFERS, PORTFOLIO, SLA
from deskmix.sim.use_case import MAX_WORKLOAD_CHARS
from deskmix.teamfiles import SLA_CHOICES
from deskmix.web import forms, page_jobs
from deskmix.web.desk import Dashboard, dashboard_of, frozen_values, sample_team
from deskmix.web.rendering import figure_div, fragment, is_htmx, page, user_error
from deskmix.yamlfiles import validate

router = APIRouter()

JOB_KIND = "dashboard-plan"
TODAY = "today's team (sample desk)"
FORM_SLA = "form"  # the SLA text area, not a preset
SLA_OPTIONS = {FORM_SLA: "as written below (the demo's weekday targets)", **SLA_CHOICES}
TEXTS = ("costs", "sla_text", "msp", "existing_team", "compare", "projects", "workload")
"""Text areas, each with a file input ``<name>_file`` that fills it."""
MAX_TEXT = MAX_WORKLOAD_CHARS  # characters of one text area or file: the API's workload limit


def defaults() -> dict[str, Any]:
    """The demo's inputs: the page and ``deskmix demo`` agree on the sample desk."""
    return {
        "sla": FORM_SLA,
        "sla_text": SLA,
        "costs": COSTS,
        "msp": OFFERS,
        "existing_team": "",
        "keep": "",
        "compare": designs_text([(TODAY, sample_team())]),
        "projects": PORTFOLIO,
        "workload": "",
        "policy": "generalist_first",
        "reps": DEMO_RUN.reps,
        "weeks": DEMO_RUN.weeks,
        "max_designs": DEMO_MAX_DESIGNS,
        "seed": DEMO_RUN.seed,
        "budget": "",
    }


@dataclass(frozen=True)
class PagePlan:
    desk: Dashboard
    request: PlanRequest
    inputs: PlanInputs
    values: dict[str, Any]


async def _texts(form: forms.Form, values: dict[str, Any]) -> dict[str, str]:
    """Each text area, or the file given for it (which wins); a box the form did not send
    keeps its default (an emptied box is sent, empty)."""
    out: dict[str, str] = {}
    for name in TEXTS:
        upload = form.get(f"{name}_file")
        if isinstance(upload, UploadFile) and upload.filename:
            raw = await upload.read(MAX_TEXT + 1)
            if len(raw) > MAX_TEXT:
                raise InputError(
                    "file too large", field=name, expected=f"at most {MAX_TEXT:,} bytes"
                )
            try:
                out[name] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise InputError(
                    "not UTF-8 text", field=name, value=upload.filename, expected="a YAML file"
                ) from None
        elif form.get(name) is not None:
            out[name] = forms.text(form, name)
        else:
            out[name] = values[name]
    return out


async def read_inputs(form: forms.Form, desk: Dashboard) -> PagePlan:
    values = defaults()
    values.update(await _texts(form, values))
    values["sla"] = forms.choice(form, "sla", SLA_OPTIONS, FORM_SLA)
    values["policy"] = forms.choice(form, "policy", list(POLICIES), "generalist_first")
    values["keep"] = "on" if forms.flag(form, "keep") else ""
    values["reps"] = forms.integer(form, "reps", DEMO_RUN.reps, 2, MAX_REPS)
    values["weeks"] = forms.decimal(form, "weeks", DEMO_RUN.weeks, 1, MAX_WEEKS)
    values["max_designs"] = forms.integer(form, "max_designs", DEMO_MAX_DESIGNS, 1, MAX_DESIGNS)
    values["seed"] = forms.integer(form, "seed", 0, 0, 2**32 - 1)
    budget = forms.decimal(form, "budget", 0, 1, MAX_BUDGET) if forms.text(form, "budget") else None
    values["budget"] = "" if budget is None else f"{budget:.12g}"
    existing = values["existing_team"] or (team_text(sample_team()) if values["keep"] else "")
    workload = values["workload"] or dump_workload(desk.workload())
    request = validate(
        PlanRequest,
        {
            "workload": workload,
            "costs": values["costs"],
            "sla": values["sla_text"] if values["sla"] == FORM_SLA else None,
            "sla_preset": None if values["sla"] == FORM_SLA else values["sla"],
            "msp": values["msp"] or None,
            "existing_team": existing or None,
            "compare": values["compare"] or None,
            "projects": values["projects"] or None,
            "policy": values["policy"],
            "reps": values["reps"],
            "weeks": values["weeks"],
            "seed": values["seed"],
            "max_designs": values["max_designs"],
            "budget_per_year": budget,
            "sources": {"sla": "the SLA targets on the form"},
        },
        "plan form",
        "plan",
    )
    return PagePlan(desk, request, request.inputs(), values)


def run_plan(inputs: PagePlan) -> PlanOutcome:
    """One worker: the page shares the server's cores with everyone else's requests."""
    return inputs.desk.remembered(
        ("plan", frozen_values(inputs.values)), lambda: plan_desk(inputs.inputs, workers=1)
    )


def _form_context(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "values": values,
        "sla_choices": SLA_OPTIONS,
        "policies": list(POLICIES),
        "limits": {"reps": MAX_REPS, "weeks": MAX_WEEKS, "designs": MAX_DESIGNS},
        "result": None,
        "job": None,
        "error": None,
    }


def _chart(stored: dict[str, Any] | None) -> Any:
    return None if stored is None else figure_div(go.Figure(stored))


def _result_context(job: JobInfo) -> dict[str, Any]:
    """The finished job's page data (``jobs.plan_page``), its figures drawn."""
    assert job.result is not None
    stored = job.result["page"]
    figures = stored["figures"]
    return {
        **stored,
        "path_chart": _chart(figures["path"]),
        "sla_chart": _chart(figures["sla"]),
        "cost_chart": _chart(figures["cost"]),
        "frontier_chart": _chart(figures["frontier"]),
    }


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request) -> HTMLResponse:
    return page(request, "plan.html", "plan", _form_context(defaults()))


def _job_answer(request: Request, job: JobInfo, values: dict[str, Any]) -> HTMLResponse:
    """The job as it stands: its progress (polled again), its failure, or its result."""
    if job.status == "failed":
        message = job.error or "the plan failed"
        return user_error(request, message, "plan.html", "plan", _form_context(values))
    if job.status == "done":
        context = {**_form_context(values), "result": _result_context(job)}
        name = "_plan_result.html"
    else:
        progress = {"id": job.id, "status": job.status, "progress": job.progress}
        context = {**_form_context(values), "job": progress}
        name = "_plan_job.html"
    if is_htmx(request):
        return fragment(request, name, context)
    return page(request, "plan.html", "plan", context)


@router.post("/plan", response_class=HTMLResponse)
async def plan_submit(request: Request) -> HTMLResponse:
    """Start the plan as a job: htmx gets the polling fragment, a plain form post the page
    once the job has ended."""
    form = await request.form(max_part_size=MAX_TEXT)
    values = defaults()
    try:
        inputs = await read_inputs(form, dashboard_of(request))
        values = inputs.values
        params = DashboardPlanParams(**inputs.request.model_dump(), form=values)
        runner = page_jobs.runner_of(request)
        job = await run_in_threadpool(runner.submit, JOB_KIND, params.model_dump(mode="json"))
    except DeskmixError as exc:
        return user_error(request, str(exc), "plan.html", "plan", _form_context(values))
    if not is_htmx(request):
        job = await page_jobs.wait_for(request, job)
    return _job_answer(request, job, values)


@router.get("/plan/jobs/{job_id}", response_class=HTMLResponse)
def plan_job_status(request: Request, job_id: str) -> HTMLResponse:
    """A page's plan job: what htmx polls until the result replaces it."""
    try:
        job = page_jobs.job_of(request, job_id, JOB_KIND, "plan")
    except NotFoundError as exc:
        return user_error(request, str(exc), "plan.html", "plan", _form_context(defaults()))
    values = {**defaults(), **job.params.get("form", {})}
    return _job_answer(request, job, values)


async def _download(request: Request, write: Callable[[PlanOutcome], Response]) -> Response:
    """A download of the plan the form describes (the same seeded plan again, remembered),
    or the page with the reason when the form cannot be planned."""
    form = await request.form(max_part_size=MAX_TEXT)
    try:
        outcome = run_plan(await read_inputs(form, dashboard_of(request)))
    except DeskmixError as exc:
        context = {**_form_context(defaults()), "error": str(exc)}
        return page(request, "plan.html", "plan", context, status=422)
    return write(outcome)


@router.post("/plan/report", response_class=HTMLResponse)
async def plan_report_download(request: Request) -> Response:
    """The same plan as a self-contained HTML report, as a download."""

    def report(outcome: PlanOutcome) -> Response:
        document = plan_report(
            outcome.inputs.workload,
            outcome.plan,
            outcome.stresses,
            outcome.compared,
            sla_name=outcome.inputs.sla_name,
            projects=outcome.projects,
        )
        return HTMLResponse(
            document.render(),
            headers={"Content-Disposition": 'attachment; filename="deskmix-plan.html"'},
        )

    return await _download(request, report)


@router.post("/plan/team")
async def plan_team_download(request: Request) -> Response:
    """The recommended team as a team file (what ``deskmix plan --out`` writes)."""
    return await _download(
        request,
        lambda outcome: Response(
            team_yaml(outcome.plan),
            media_type="application/yaml",
            headers={"Content-Disposition": 'attachment; filename="team.yaml"'},
        ),
    )
