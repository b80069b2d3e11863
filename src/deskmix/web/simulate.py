"""The simulate page: a team and what-ifs run on the stored workload, KPIs with intervals.

The form's fields become exactly what ``deskmix simulate`` builds from its flags (a ``Setup``
and ``Scenario`` list for ``deskmix.sim.whatif.compare``). Runs are kept small (few
replications and weeks by default, one process) so a page answers in a second or two; the
same seed gives the same numbers, which is why the report download simply runs them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from deskmix.errors import DeskmixError
from deskmix.reports.charts.simulation import backlog_over_time, sla_comparison
from deskmix.reports.simulation import run_description, simulation_report
from deskmix.routing.policies import POLICIES
from deskmix.sim.model import SimSettings
from deskmix.sim.runner import SimulationResult
from deskmix.sim.table import format_cell, kpi_rows, thin_notes
from deskmix.sim.whatif import Absence, Scenario, Setup, compare
from deskmix.teamfiles import SLA_CHOICES, sla_preset
from deskmix.web import forms
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
    "policy": "generalist_first",
    "sla": "default",
    "reps": 5,
    "weeks": 4,
    "seed": 0,
    "load": "",
    "absent": "",
    "compare_policy": [],
}
MAX_REPS, MAX_WEEKS = 30, 26


@dataclass(frozen=True)
class Run:
    base: Setup
    scenarios: list[Scenario]
    reps: int
    seed: int
    values: dict[str, Any]
    """The form as read, to fill it in again and to carry into the report download."""


def read_run(form: forms.Form, desk: Dashboard) -> Run:
    """The form's fields as a baseline and what-if scenarios (an ``InputError`` names a field)."""
    values = dict(DEFAULTS)
    values["team"] = forms.choice(form, "team", TEAM_CHOICES, "sample")
    values["team_yaml"] = forms.text(form, "team_yaml")
    values["policy"] = forms.choice(form, "policy", list(POLICIES), "generalist_first")
    values["sla"] = forms.choice(form, "sla", SLA_CHOICES, "default")
    values["reps"] = forms.integer(form, "reps", DEFAULTS["reps"], 2, MAX_REPS)
    values["weeks"] = forms.integer(form, "weeks", DEFAULTS["weeks"], 1, MAX_WEEKS)
    values["seed"] = forms.integer(form, "seed", 0, 0, 2**31 - 1)
    values["load"] = forms.text(form, "load")
    values["absent"] = forms.text(form, "absent")
    values["compare_policy"] = [
        forms.choice({"compare_policy": p}, "compare_policy", list(POLICIES), p)
        for p in forms.texts(form, "compare_policy")
    ]
    team = team_from(values["team"], values["team_yaml"])
    base = Setup(
        workload=desk.workload(),
        team=team,
        sla=sla_preset(values["sla"]),
        settings=SimSettings(weeks=values["weeks"], warmup_weeks=1),
        policy=values["policy"],
        policy_settings={},
    )
    scenarios: list[Scenario] = []
    if values["load"]:
        load = forms.decimal(form, "load", 1.0, 0.1, 5.0)
        scenarios.append(Scenario(name=f"load x{load:g}", load=load))
    if values["absent"]:
        scenarios.append(
            Scenario(name=f"{values['absent']} out", absent=[Absence(agent=values["absent"])])
        )
    for policy in values["compare_policy"]:
        if policy != values["policy"]:
            scenarios.append(Scenario(name=policy, policy=policy))
    return Run(base, scenarios, values["reps"], values["seed"], values)


def run_simulation(run: Run, desk: Dashboard) -> list[tuple[str, SimulationResult]]:
    # One process: replications are short here, and forking from a server thread is not worth it.
    return desk.remembered(
        ("simulate", frozen_values(run.values)),
        lambda: compare(run.base, run.scenarios, reps=run.reps, seed=run.seed, workers=1),
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
        "error": None,
    }


def _result_context(run: Run, results: list[tuple[str, SimulationResult]]) -> dict[str, Any]:
    baseline = results[0][1]
    return {
        "names": [name for name, _ in results],
        "rows": [
            (label, [format_cell(r, kpi, fmt) for _, r in results])
            for label, kpi, fmt in kpi_rows(results)
        ],
        "notes": thin_notes(results, [kpi for _, kpi, _ in kpi_rows(results)]),
        "title": f"{run.base.team.name} under {baseline.policy}",
        "run": run_description(run.base, baseline),
        "sla_chart": figure_div(sla_comparison(results)),
        "backlog_chart": figure_div(backlog_over_time(results)),
        "decisions": baseline.decisions[:8],
    }


@router.get("/simulate", response_class=HTMLResponse)
def simulate_page(request: Request) -> HTMLResponse:
    return page(request, "simulate.html", "simulate", _form_context(dict(DEFAULTS)))


@router.post("/simulate", response_class=HTMLResponse)
async def simulate_submit(request: Request) -> HTMLResponse:
    form = await request.form()
    values = dict(DEFAULTS)
    try:
        desk = dashboard_of(request)
        run = read_run(form, desk)
        values = run.values
        results = run_simulation(run, desk)
    except DeskmixError as exc:
        return user_error(request, str(exc), "simulate.html", "simulate", _form_context(values))
    context = {**_form_context(values), "result": _result_context(run, results)}
    if is_htmx(request):
        return fragment(request, "_simulate_result.html", context)
    return page(request, "simulate.html", "simulate", context)


@router.post("/simulate/report", response_class=HTMLResponse)
async def simulate_report(request: Request) -> HTMLResponse:
    """The same run as a self-contained HTML report, as a download (same seed, same numbers)."""
    form = await request.form()
    try:
        desk = dashboard_of(request)
        run = read_run(form, desk)
        results = run_simulation(run, desk)
    except DeskmixError as exc:
        return page(
            request,
            "simulate.html",
            "simulate",
            {**_form_context(dict(DEFAULTS)), "error": str(exc)},
            status=422,
        )
    html = simulation_report(run.base, results).render()
    return HTMLResponse(
        html, headers={"Content-Disposition": 'attachment; filename="deskmix-simulation.html"'}
    )
