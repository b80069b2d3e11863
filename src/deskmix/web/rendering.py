"""Turning page data into HTML: the Jinja2 templates, Plotly figures as divs, error messages.

Figures are rendered without the plotly.js library (the layout loads the locally served bundle
once), so a page or an htmx fragment carries only its own data.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.templating import Jinja2Templates

from deskmix import __version__
from deskmix.reports.charts.basic import check_figure

TEMPLATE_DIR = Path(__file__).parent / "templates"
NAV = (
    ("overview", "Overview", "/"),
    ("triage", "Triage", "/triage"),
    ("simulate", "Simulate", "/simulate"),
    ("plan", "Plan", "/plan"),
    ("year", "Year", "/year"),
    ("validate", "Validate", "/validate"),
    ("compare", "Compare", "/compare"),
    ("people", "People", "/people"),
)
"""(page key, label, path) of the navigation, in reading order."""
CHART_PAGES = frozenset({"overview", "simulate", "plan", "year", "people", "validate"})
"""Pages that draw Plotly charts; only they load the (1.2 MB) plotly.js basic bundle."""

_FIGURE_IDS = itertools.count(1)


def percent(value: float | None, digits: int = 1) -> str:
    """A share as a percentage; "-" when unknown (NaN or None)."""
    if value is None or value != value:  # NaN is the only value unequal to itself
        return "-"
    return f"{100 * value:.{digits}f}%"


@pass_context
def link(context: Context, name: str, /, **params: Any) -> str:
    """A root-relative URL of a route: pages work behind any host name or proxy."""
    request: Request = context["request"]
    return str(request.url_for(name, **params).path)


@pass_context
def csrf_field(context: Context) -> Markup:
    """The hidden field every POST form carries (see ``deskmix.web.session``)."""
    request: Request = context["request"]
    token = getattr(request.state, "csrf", "")
    return Markup('<input type="hidden" name="csrf" value="{}">').format(token)


@pass_context
def csrf_token(context: Context) -> str:
    """The CSRF token for htmx's header (set once on the page's body)."""
    request: Request = context["request"]
    return str(getattr(request.state, "csrf", ""))


@pass_context
def signed_in_as(context: Context) -> str | None:
    """The name of the session's token, or None (public reads, or the sign-in page)."""
    request: Request = context["request"]
    user = getattr(request.state, "user", None)
    return str(user) if user else None


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        nav=NAV,
        version=__version__,
        link=link,
        csrf_field=csrf_field,
        csrf_token=csrf_token,
        signed_in_as=signed_in_as,
    )
    env.filters["percent"] = percent
    return env


templates = Jinja2Templates(env=_environment())


def figure_div(figure: Any, *, height: int | None = None) -> Markup:
    """A Plotly figure as a div plus the script that draws it (plotly.js is loaded once per page).

    Each div gets a process-wide unique id, so figures swapped in by htmx never collide with
    the ones already on the page.
    """
    check_figure(figure)  # the page loads the light bundle: scatter, bar and pie
    div_id = f"chart-{next(_FIGURE_IDS)}"
    shown = height or figure.layout.height or 420
    figure.update_layout(autosize=True, height=shown)
    if figure.layout.margin.l is None:  # keep a figure's own margins (long axis labels)
        figure.update_layout(margin={"l": 50, "r": 20, "t": 30, "b": 50})
    html = figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=div_id,
        default_width="100%",
        default_height=f"{shown}px",
        config={"displaylogo": False, "responsive": True},
    )
    return Markup(f'<div class="chart">{html}</div>')


def is_htmx(request: Request) -> bool:
    """Whether the request came from htmx (it wants a fragment, not a whole page)."""
    return request.headers.get("HX-Request") == "true"


def page(
    request: Request, name: str, active: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    """A whole page (``name`` extends the layout); ``active`` marks the navigation entry."""
    response: HTMLResponse = templates.TemplateResponse(
        request,
        name,
        {"active": active, "plotly": active in CHART_PAGES, **context},
        status_code=status,
    )
    return response


def fragment(
    request: Request, name: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    """A piece of a page, for htmx to swap in."""
    response: HTMLResponse = templates.TemplateResponse(request, name, context, status_code=status)
    return response


def error_fragment(request: Request, message: str) -> HTMLResponse:
    """A user's mistake, said plainly where the result would have gone (422, as the API does).

    The layout tells htmx to swap 422 responses in, so the message replaces the result.
    """
    return fragment(request, "_error.html", {"message": message}, status=422)


def user_error(
    request: Request, message: str, name: str, active: str, context: dict[str, Any]
) -> HTMLResponse:
    """A user's mistake: in place of the result for htmx, else the whole page ``name`` with
    ``context`` (the form as filled in) and the message, both with status 422."""
    if is_htmx(request):
        return error_fragment(request, message)
    return page(request, name, active, {**context, "error": message}, status=422)
