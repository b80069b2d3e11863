"""The year page: the 12-month plan of ``deskmix plan-year`` on the dashboard's desk.

The stored history's workload grows by the stated rate a year; each quarter is planned on top
of today's team (the sample desk's, who stay) and the hires before, and the page lists who to
hire or cross-train by when. Runs are small so the page answers in seconds to a minute; it
runs off the event loop, and the same inputs on the same store reuse the result.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from deskmix.calibrate.forecast import forecast
from deskmix.domain.team import Team
from deskmix.errors import DeskmixError
from deskmix.plan.evaluate import RunSettings
from deskmix.plan.horizon import HiringTerms, YearPlan, plan_horizon
from deskmix.plan.inputs import CostTable
from deskmix.reports.charts.horizon import volume_and_headcount
from deskmix.teamfiles import SLA_CHOICES, sla_preset
from deskmix.web import forms
from deskmix.web.desk import dashboard_of, frozen_values, sample_team
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


def _plan_year(request: Request, values: dict[str, Any]) -> YearPlan:
    desk = dashboard_of(request)
    workload = desk.workload()
    costs = validate(
        CostTable,
        {"generalist": values["generalist_cost"], "specialist": values["specialist_cost"]},
        "year form",
        "costs",
    )
    today = sample_team()
    volume = forecast(workload, quarters=values["quarters"], growth=float(values["growth"]))
    return plan_horizon(
        workload,
        sla_preset(values["sla"]),
        costs,
        list(today.msp),
        RunSettings(reps=values["reps"], weeks=values["weeks"], seed=values["seed"], workers=1),
        volume,
        existing=Team(name=today.name, agents=today.agents),
        terms=HiringTerms(),
        max_designs=values["max_designs"],
    )


def _context(values: dict[str, Any], plan: YearPlan | None = None) -> dict[str, Any]:
    result = None
    if plan is not None:
        result = {
            "plan": plan,
            "chart": figure_div(volume_and_headcount(plan)),
        }
    return {"values": values, "sla_choices": SLA_CHOICES, "result": result, "error": None}


@router.get("/year", response_class=HTMLResponse)
def year_page(request: Request) -> HTMLResponse:
    return page(request, "year.html", "year", _context(dict(DEFAULTS)))


@router.post("/year", response_class=HTMLResponse)
async def year_submit(request: Request) -> HTMLResponse:
    form = await request.form()
    values = dict(DEFAULTS)
    try:
        values = _read(form)
        desk = dashboard_of(request)
        plan = await run_in_threadpool(
            desk.remembered,
            ("year", frozen_values(values)),
            lambda: _plan_year(request, values),
        )
    except DeskmixError as exc:
        return user_error(request, str(exc), "year.html", "year", _context(values))
    context = _context(values, plan)
    if is_htmx(request):
        return fragment(request, "_year_result.html", context)
    return page(request, "year.html", "year", context)
