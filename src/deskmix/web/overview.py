"""The overview page: the desk's history at a glance (arrivals, backlog, SLA, domain mix)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from deskmix.calibrate.history import desk_history
from deskmix.calibrate.use_case import mix_rows
from deskmix.errors import DeskmixError
from deskmix.teamfiles import SLA_CHOICES, sla_preset
from deskmix.web import charts, forms
from deskmix.web.desk import dashboard_of
from deskmix.web.rendering import figure_div, fragment, is_htmx, page, user_error

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def overview(request: Request) -> HTMLResponse:
    """The whole page; changing the SLA targets re-renders only the figures (htmx)."""
    try:
        choice = forms.choice(request.query_params, "sla", SLA_CHOICES, "default")
        history = desk_history(dashboard_of(request).store, sla_preset(choice))
    except DeskmixError as exc:
        return user_error(request, str(exc), "overview.html", "overview", {"history": None})
    context: dict[str, object] = {
        "history": history,
        "mix_rows": mix_rows(history),
        "sla_choice": choice,
        "sla_choices": SLA_CHOICES,
        "error": None,
    }
    if history.tickets:
        context["figures"] = {
            "arrivals": figure_div(charts.arrivals_heatmap(history)),
            "backlog": figure_div(charts.backlog_line(history)),
            "sla": figure_div(charts.sla_bars(history)),
            "mix": figure_div(charts.mix_bars(history)),
        }
    if is_htmx(request):
        return fragment(request, "_overview_body.html", context)
    return page(request, "overview.html", "overview", context)
