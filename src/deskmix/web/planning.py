"""The plan page: the cheapest design meeting every SLA, side by side with today's team.

The form becomes what ``deskmix plan`` reads from its files: a cost table, MSP offers and the
SLA targets, with the stored history's workload. The sample desk's team is the design to
compare against, and its MSP contract the offer the planner may buy. Runs are small (few
replications, weeks and designs) so the page answers in seconds; the planner is seeded, so the
report download runs the same search again and gets the same plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from deskmix.domain.projects import Portfolio
from deskmix.domain.team import MspContract, Team
from deskmix.errors import DeskmixError
from deskmix.plan.analysis import Stress, compare_designs, compared_notes, sensitivity
from deskmix.plan.demo import PORTFOLIO
from deskmix.plan.evaluate import Evaluation, RunSettings
from deskmix.plan.frontier import frontier_chart
from deskmix.plan.inputs import CostTable
from deskmix.plan.projects import ProjectPlan, plan_projects
from deskmix.plan.report import comparison_rows, plan_report
from deskmix.plan.search import Planner, PlanResult
from deskmix.projects.portfolio import parse_portfolio
from deskmix.sim.charts import sla_comparison
from deskmix.teamfiles import SLA_CHOICES, sla_preset
from deskmix.web import charts, forms
from deskmix.web.desk import (
    Dashboard,
    dashboard_of,
    frozen_values,
    sample_team,
)
from deskmix.web.rendering import figure_div, fragment, is_htmx, page, user_error
from deskmix.yamlfiles import validate

router = APIRouter()

TODAY = "today's team (sample desk)"
DEFAULTS: dict[str, Any] = {
    "sla": "weekday",
    "generalist_cost": 40,
    "specialist_cost": 60,
    "min_specialists": 1,
    "max_headcount": 60,
    "msp": "on",
    "keep": "",
    "reps": 3,
    "weeks": 3,
    "max_designs": 12,
    "seed": 0,
    "budget": "",  # budget mode when set: the best service for at most this a year
    "shrinkage": "none",
    "projects": "",  # on: the demo's project runs beside the tickets
}
SHRINKAGE_CHOICES = {
    "none": "none: hires work every shift hour",
    "typical": "typical: 25 days' leave, 3.5% sick, 4 training days, 10% meetings",
}
MAX_BUDGET = 1e10


@dataclass(frozen=True)
class PlanInputs:
    desk: Dashboard
    sla_choice: str
    costs: CostTable
    offers: list[MspContract]
    existing: Team | None  # today's people, kept: the plan adds hires on top
    compared: list[tuple[str, Team]]
    run: RunSettings
    max_designs: int
    values: dict[str, Any]
    budget_per_year: float | None = None
    portfolio: Portfolio | None = None


@dataclass(frozen=True)
class PlanOutcome:
    plan: PlanResult
    stresses: list[Stress]
    compared: list[tuple[str, Evaluation]]
    projects: ProjectPlan | None = None


def read_inputs(form: forms.Form, desk: Dashboard) -> PlanInputs:
    values = dict(DEFAULTS)
    values["sla"] = forms.choice(form, "sla", SLA_CHOICES, "weekday")
    values["generalist_cost"] = forms.decimal(form, "generalist_cost", 40, 1, 1000)
    values["specialist_cost"] = forms.decimal(form, "specialist_cost", 60, 1, 1000)
    values["min_specialists"] = forms.integer(form, "min_specialists", 1, 0, 5)
    values["max_headcount"] = forms.integer(form, "max_headcount", 60, 1, 200)
    values["msp"] = "on" if forms.flag(form, "msp") else ""
    values["keep"] = "on" if forms.flag(form, "keep") else ""
    values["reps"] = forms.integer(form, "reps", 3, 2, 10)
    values["weeks"] = forms.integer(form, "weeks", 3, 1, 13)
    values["max_designs"] = forms.integer(form, "max_designs", DEFAULTS["max_designs"], 2, 60)
    values["seed"] = forms.integer(form, "seed", 0, 0, 2**31 - 1)
    budget = forms.decimal(form, "budget", 0, 1, MAX_BUDGET) if forms.text(form, "budget") else None
    values["budget"] = "" if budget is None else f"{budget:.12g}"
    values["shrinkage"] = forms.choice(form, "shrinkage", SHRINKAGE_CHOICES, "none")
    values["projects"] = "on" if forms.flag(form, "projects") else ""
    portfolio = (
        parse_portfolio(PORTFOLIO, "the demo's portfolio", desk.workload().domain_mix)
        if values["projects"]
        else None
    )
    reserved = portfolio.share_out_of_tickets if portfolio is not None else 0.0
    # "typical": every field of the hires' shrinkage at its documented default
    typical: dict[str, dict[str, float]] | None = (
        {"generalist": {}, "specialist": {}} if values["shrinkage"] == "typical" else None
    )
    costs = validate(
        CostTable,
        {
            "generalist": values["generalist_cost"],
            "specialist": values["specialist_cost"],
            "constraints": {
                "min_specialists": values["min_specialists"],
                "max_headcount": values["max_headcount"],
            },
            "shrinkage": typical,
        },
        "plan form",
        "costs",
    )
    today = sample_team()
    return PlanInputs(
        desk=desk,
        sla_choice=values["sla"],
        costs=costs,
        offers=list(today.msp) if values["msp"] else [],
        existing=Team(name=today.name, agents=today.agents) if values["keep"] else None,
        compared=[(TODAY, today)],
        run=RunSettings(
            reps=values["reps"],
            weeks=values["weeks"],
            seed=values["seed"],
            workers=1,
            reserved_share=reserved,
        ),
        max_designs=values["max_designs"],
        values=values,
        budget_per_year=budget,
        portfolio=portfolio,
    )


def run_plan(inputs: PlanInputs) -> PlanOutcome:
    return inputs.desk.remembered(("plan", frozen_values(inputs.values)), lambda: _plan(inputs))


def _plan(inputs: PlanInputs) -> PlanOutcome:
    workload = inputs.desk.workload()
    sla = sla_preset(inputs.sla_choice)
    planner = Planner(
        workload,
        sla,
        inputs.costs,
        inputs.offers,
        inputs.run,
        max_evaluations=inputs.max_designs,
        existing=inputs.existing,
        budget_per_year=inputs.budget_per_year,
    )
    plan = planner.plan()
    projects = None
    if inputs.portfolio is not None:
        projects = plan_projects(
            workload,
            sla,
            plan.evaluation.team,
            inputs.costs,
            inputs.offers,
            inputs.portfolio,
            inputs.run,
            plan.evaluation.result.runs,
        )
    return PlanOutcome(
        plan=plan,
        stresses=sensitivity(workload, sla, plan),
        compared=compare_designs(workload, sla, inputs.compared, inputs.run),
        projects=projects,
    )


def _named(outcome: PlanOutcome) -> list[tuple[str, Evaluation]]:
    plan = outcome.plan
    named = [("recommended", plan.evaluation)]
    named += [(f"runner-up {i + 1}", e) for i, (_, e) in enumerate(plan.runners_up[:2])]
    return named + outcome.compared


def _form_context(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "values": values,
        "sla_choices": SLA_CHOICES,
        "shrinkage_choices": SHRINKAGE_CHOICES,
        "result": None,
        "error": None,
    }


def _result_context(outcome: PlanOutcome) -> dict[str, Any]:
    plan = outcome.plan
    named = _named(outcome)
    labels = {"recommended": plan.recommended.label()}
    labels.update({f"runner-up {i + 1}": d.label() for i, (d, _) in enumerate(plan.runners_up[:2])})
    labels[TODAY] = f"{len(outcome.compared[0][1].team.agents)} people + MSP contract"
    return {
        "names": [n for n, _ in named],
        "labels": labels,
        "people": [len(e.team.agents) for _, e in named],
        "feasible": [e.feasible for _, e in named],
        "rows": comparison_rows(named),
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
    return page(request, "plan.html", "plan", _form_context(dict(DEFAULTS)))


@router.post("/plan", response_class=HTMLResponse)
async def plan_submit(request: Request) -> HTMLResponse:
    form = await request.form()
    values = dict(DEFAULTS)
    try:
        inputs = read_inputs(form, dashboard_of(request))
        values = inputs.values
        outcome = run_plan(inputs)
    except DeskmixError as exc:
        return user_error(request, str(exc), "plan.html", "plan", _form_context(values))
    context = {**_form_context(values), "result": _result_context(outcome)}
    if is_htmx(request):
        return fragment(request, "_plan_result.html", context)
    return page(request, "plan.html", "plan", context)


@router.post("/plan/report", response_class=HTMLResponse)
async def plan_report_download(request: Request) -> HTMLResponse:
    """The same plan as a self-contained HTML report, as a download."""
    form = await request.form()
    try:
        inputs = read_inputs(form, dashboard_of(request))
        outcome = run_plan(inputs)
    except DeskmixError as exc:
        context = {**_form_context(dict(DEFAULTS)), "error": str(exc)}
        return page(request, "plan.html", "plan", context, status=422)
    report = plan_report(inputs.desk.workload(), outcome.plan, outcome.stresses, outcome.compared)
    return HTMLResponse(
        report.render(), headers={"Content-Disposition": 'attachment; filename="deskmix-plan.html"'}
    )
