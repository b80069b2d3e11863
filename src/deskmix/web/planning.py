"""The plan page: the same plan as ``deskmix plan`` and ``deskmix demo``, on this desk's history.

The form carries every input the CLI takes, as text areas a user may edit or fill from a file
(costs, SLA targets, MSP offers, the staff who stay, designs to compare, a project portfolio)
and the run's size, within the CLI's limits (``deskmix.plan.request``). It opens with the
demo's inputs and today's sample team to compare against, so on the sample desk the page and
``deskmix demo`` recommend the same team. The workload is the stored history's, unless a
workload file is given. The planner is seeded, so the report download runs the same search
again and gets the same plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from deskmix.calibrate.io import dump_workload
from deskmix.errors import DeskmixError, InputError
from deskmix.plan.analysis import compared_notes
from deskmix.plan.evaluate import Evaluation
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
from deskmix.reports.charts.plan import frontier_chart, search_path_chart
from deskmix.reports.charts.simulation import sla_comparison
from deskmix.reports.plan import comparison_notes, comparison_rows, plan_report
from deskmix.routing.policies import POLICIES
from deskmix.sample.demo import COSTS, DEMO_MAX_DESIGNS, DEMO_RUN, OFFERS, PORTFOLIO, SLA
from deskmix.sim.use_case import MAX_WORKLOAD_CHARS
from deskmix.teamfiles import SLA_CHOICES
from deskmix.web import charts, forms
from deskmix.web.desk import Dashboard, dashboard_of, frozen_values, sample_team
from deskmix.web.rendering import figure_div, fragment, is_htmx, page, user_error
from deskmix.yamlfiles import validate

router = APIRouter()

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
    return PagePlan(desk, request.inputs(), values)


def run_plan(inputs: PagePlan) -> PlanOutcome:
    """One worker: the page shares the server's cores with everyone else's requests."""
    return inputs.desk.remembered(
        ("plan", frozen_values(inputs.values)), lambda: plan_desk(inputs.inputs, workers=1)
    )


def _named(outcome: PlanOutcome) -> list[tuple[str, Evaluation]]:
    plan = outcome.plan
    named = [("recommended", plan.evaluation)]
    named += [(f"runner-up {i + 1}", e) for i, (_, e) in enumerate(plan.runners_up[:2])]
    return named + outcome.compared


def _form_context(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "values": values,
        "sla_choices": SLA_OPTIONS,
        "policies": list(POLICIES),
        "limits": {"reps": MAX_REPS, "weeks": MAX_WEEKS, "designs": MAX_DESIGNS},
        "result": None,
        "error": None,
    }


def _result_context(outcome: PlanOutcome) -> dict[str, Any]:
    plan = outcome.plan
    named = _named(outcome)
    labels = {"recommended": plan.recommended.label()}
    labels.update({f"runner-up {i + 1}": d.label() for i, (d, _) in enumerate(plan.runners_up[:2])})
    for name, evaluation in outcome.compared:
        msp = " + MSP contract" if evaluation.team.msp else ""
        labels[name] = f"{len(evaluation.team.agents)} people{msp}"
    sla_name = outcome.inputs.sla_name
    return {
        "sla_name": sla_name,
        "policy": plan.run.policy,
        "path_chart": figure_div(search_path_chart(plan, sla_name)),
        "names": [n for n, _ in named],
        "labels": labels,
        "people": [len(e.team.agents) for _, e in named],
        "feasible": [e.feasible for _, e in named],
        "rows": comparison_rows(named),
        "notes": comparison_notes(named),
        "reasons": plan.reasons + compared_notes(plan, outcome.compared),
        "verified": plan.verified,
        "simulated": len(plan.log),
        "run": plan.run,
        "sla_chart": figure_div(sla_comparison([(n, e.result) for n, e in named])),
        "cost_chart": figure_div(charts.design_costs(named)),
        "budget": plan.budget_per_year,
        "projects": outcome.projects.lines() if outcome.projects is not None else None,
        "frontier_chart": (
            figure_div(
                frontier_chart(plan.frontier, plan.recommended, plan.budget_per_week, plan.currency)
            )
            if plan.budget_per_week is not None
            else None
        ),
    }


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request) -> HTMLResponse:
    return page(request, "plan.html", "plan", _form_context(defaults()))


@router.post("/plan", response_class=HTMLResponse)
async def plan_submit(request: Request) -> HTMLResponse:
    form = await request.form(max_part_size=MAX_TEXT)
    values = defaults()
    try:
        inputs = await read_inputs(form, dashboard_of(request))
        values = inputs.values
        outcome = run_plan(inputs)
    except DeskmixError as exc:
        return user_error(request, str(exc), "plan.html", "plan", _form_context(values))
    context = {**_form_context(values), "result": _result_context(outcome)}
    if is_htmx(request):
        return fragment(request, "_plan_result.html", context)
    return page(request, "plan.html", "plan", context)


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
