"""The back-test page: the history's team simulated and set beside the stored history.

The form's fields become a ``ValidationRequest`` for ``deskmix.validate.run_validation``, the
function ``deskmix validate`` calls. Runs are kept small by default (few replications, one
process) so the page answers in seconds on a desk like the sample; the same seed gives the same
numbers, so a result is remembered until the store changes.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from deskmix.errors import DeskmixError
from deskmix.reports.charts.validation import backlog_chart, median_chart
from deskmix.teamfiles import SLA_CHOICES, sla_preset
from deskmix.validate import ValidationRequest, ValidationResult, run_validation
from deskmix.validate.use_case import (
    HOLDOUT,
    MAX_HOLDOUT,
    QUICK_MAX_REPLICATIONS,
    QUICK_REPLICATIONS,
)
from deskmix.web import forms
from deskmix.web.desk import dashboard_of, frozen_values
from deskmix.web.rendering import figure_div, fragment, is_htmx, page, user_error

router = APIRouter()

DEFAULTS: dict[str, Any] = {
    "sla": "default",
    "reps": QUICK_REPLICATIONS,
    "seed": 0,
    "holdout": f"{HOLDOUT:g}",
}
MAX_REPS = QUICK_MAX_REPLICATIONS
SHARES = ("SLA attainment", "escalation share", "utilisation")


def _form_context(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "values": values,
        "sla_choices": SLA_CHOICES,
        "max_reps": MAX_REPS,
        "result": None,
        "error": None,
    }


def cell(value: float | None, figure: str) -> str:
    if value is None:
        return "-"
    return f"{100 * value:.1f}%" if figure in SHARES else f"{value:,.1f}"


def _result_context(result: ValidationResult) -> dict[str, Any]:
    tests = []
    for test in (result.full, result.holdout):
        if test is None:
            continue
        tests.append(
            {
                "test": test,
                "rows": [
                    {
                        "figure": f.figure,
                        "scope": f.scope,
                        "history": cell(f.history, f.figure),
                        "simulated": cell(f.simulated, f.figure),
                        "tolerance": f.tolerance,
                        "verdict": "-"
                        if f.within is None
                        else ("within" if f.within else "outside"),
                    }
                    for f in test.figures
                ],
                "backlog_chart": figure_div(backlog_chart(test)),
                "median_chart": figure_div(median_chart(test)),
            }
        )
    return {"validation": result, "tests": tests}


@router.get("/validate", response_class=HTMLResponse)
def validate_page(request: Request) -> HTMLResponse:
    return page(request, "validate.html", "validate", _form_context(dict(DEFAULTS)))


@router.post("/validate", response_class=HTMLResponse)
async def validate_submit(request: Request) -> HTMLResponse:
    form = await request.form()
    values = dict(DEFAULTS)
    try:
        values["sla"] = forms.choice(form, "sla", SLA_CHOICES, "default")
        values["reps"] = forms.integer(form, "reps", DEFAULTS["reps"], 2, MAX_REPS)
        values["seed"] = forms.integer(form, "seed", 0, 0, 2**31 - 1)
        holdout = forms.decimal(form, "holdout", HOLDOUT, 0.0, MAX_HOLDOUT)
        values["holdout"] = f"{holdout:g}"
        desk = dashboard_of(request)
        request_ = ValidationRequest(
            sla=sla_preset(values["sla"]),
            replications=values["reps"],
            seed=values["seed"],
            holdout=holdout,
        )
        # Off the event loop: a back-test calibrates and simulates for seconds to minutes,
        # and the server (live routing included) must keep answering meanwhile.
        result = await run_in_threadpool(
            desk.remembered,
            ("validate", frozen_values(values)),
            lambda: run_validation(desk.store, request_),
        )
    except DeskmixError as exc:
        return user_error(request, str(exc), "validate.html", "validate", _form_context(values))
    context = {**_form_context(values), "result": _result_context(result)}
    if is_htmx(request):
        return fragment(request, "_validate_result.html", context)
    return page(request, "validate.html", "validate", context)
