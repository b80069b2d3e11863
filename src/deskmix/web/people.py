"""The people page: the desk's skills review (matrix, bus factor, hidden specialists) and the
self-assessment form.

Both only translate: query and form fields become ``deskmix.people`` settings and answers, and
the results are shown with the charts and rows of ``deskmix.reports.people``, so the page and
the downloadable report say the same thing. The review's recent window ("who is here now") is
the CLI's: ``weeks`` or ``since``, at most one, else the default ``WINDOW_WEEKS``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from deskmix.errors import DeskmixError
from deskmix.people.answers import parse_answers
from deskmix.people.assessment import Assessment
from deskmix.people.catalogue import AssessmentData
from deskmix.people.review import SkillsReview
from deskmix.people.use_case import (
    COVER_LEVEL,
    MIN_PEOPLE,
    WINDOW_WEEKS,
    AssessRequest,
    SkillsRequest,
    assess_person,
    assessment_data,
    review_desk_skills,
)
from deskmix.reports.charts.people import bus_factor_bars, matrix_heatmap, radar
from deskmix.reports.people import (
    assessment_report,
    coverage_rows,
    finding_rows,
    route_rows,
    skills_report,
    suggestion_rows,
)
from deskmix.sample import TEAM_FILE
from deskmix.web import forms
from deskmix.web.desk import dashboard_of
from deskmix.web.rendering import error_fragment, figure_div, fragment, is_htmx, page

router = APIRouter()

DECLARED_CHOICES = {
    "sample": "the sample desk's team file (declared levels and titles)",
    "none": "none: evidence from resolved tickets only",
}
REVIEW_DEFAULTS: dict[str, Any] = {
    "level": COVER_LEVEL,
    "min_people": MIN_PEOPLE,
    "declared": "sample",
}
MAX_MIN_PEOPLE = 10  # the form's choice; a desk needing more per area asks the API
MIN_WEEKS = 0.5  # the CLI's --weeks minimum: a shorter window is empty on most desks
MAX_WEEKS = 520.0  # the API's limit (ten years): longer overflows the date arithmetic
WINDOW_FIELDS = ("weeks", "since")


@contextmanager
def _declared_file(choice: str) -> Iterator[Path | None]:
    """The shipped sample team as a real file (``review_skills`` reads declared levels from one)."""
    if choice == "none":
        yield None
        return
    with resources.as_file(resources.files("deskmix.data").joinpath("sample", TEAM_FILE)) as path:
        yield path


def _window_words(weeks: float | None, since: datetime | None) -> str:
    """Which input set the window, so a reader knows whether they chose it."""
    if since is not None:
        return "from the date given"
    if weeks is not None:
        return f"the last {weeks:g} week{'' if weeks == 1 else 's'} of the history"
    return f"the default: the last {WINDOW_WEEKS:g} weeks of the history"


def _review(request: Request) -> tuple[SkillsReview, dict[str, Any]]:
    query = request.query_params
    level = forms.integer(query, "level", COVER_LEVEL, 1, 5)
    min_people = forms.integer(query, "min_people", MIN_PEOPLE, 1, MAX_MIN_PEOPLE)
    choice = forms.choice(query, "declared", DECLARED_CHOICES, "sample")
    forms.at_most_one(query, *WINDOW_FIELDS)
    weeks = forms.optional_decimal(query, "weeks", MIN_WEEKS, MAX_WEEKS)
    since = forms.day(query, "since")
    with _declared_file(choice) as declared:
        wanted = SkillsRequest(
            level=level,
            min_people=min_people,
            declared_file=declared,
            weeks=WINDOW_WEEKS if weeks is None else weeks,
            since=since,
        )
        review = review_desk_skills(wanted, dashboard_of(request).store)
    values: dict[str, Any] = {
        "level": level,
        "min_people": min_people,
        "declared": choice,
        **_typed_window(request),
        "window_words": _window_words(weeks, since),
    }
    return review, values


def _typed_window(request: Request) -> dict[str, str]:
    """The window fields as typed, to show them again (also after a mistake in them)."""
    return {name: forms.text(request.query_params, name) for name in WINDOW_FIELDS}


def report_query(values: dict[str, Any]) -> str:
    """The review's settings as the report link's query, so the download is what is shown."""
    keys = ("declared", "level", "min_people", *WINDOW_FIELDS)
    return urlencode({k: values[k] for k in keys if values.get(k) not in (None, "")})


def _review_context(review: SkillsReview, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "review": review,
        "report_query": report_query(values),
        "people_count": len(review.matrix.people),
        "heatmap": figure_div(matrix_heatmap(review)) if review.matrix.people else None,
        "bus_chart": figure_div(bus_factor_bars(review)) if review.areas else None,
        "coverage": coverage_rows(review),
        "findings": finding_rows(review),
        "suggestions": suggestion_rows(review),
        "single_points": review.single_points,
    }


# --- the self-assessment form -----------------------------------------------------------------


def _nested(raw: dict[str, Any], dotted: str, value: Any) -> None:
    """``feedback.peers`` -> ``raw["feedback"]["peers"]``: the answers file's own shape."""
    *parents, last = dotted.split(".")
    target = raw
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value


def read_answers(form: forms.Form, data: AssessmentData) -> dict[str, Any]:
    """The form as the mapping an answers file holds, one question kind at a time."""
    raw: dict[str, Any] = {}
    for question in data.questionnaire.questions:
        qid, kind = question.id, question.kind
        value: Any = None
        if kind in ("text", "role", "goal", "domain"):
            value = forms.text(form, qid) or None
        elif kind == "number":
            low, high = question.min or 0, question.max or 60
            value = forms.decimal(form, qid, 0.0, low, high)
        elif kind == "scale":
            low, high = question.min or 1, question.max or 5
            value = forms.integer(form, qid, 0, low, high) if forms.text(form, qid) else None
        elif kind in ("tasks", "certifications", "domain_list"):
            value = forms.texts(form, qid)
        elif kind == "domain_levels":
            value = {}
            for domain in data.taxonomy.names:
                level = forms.integer(form, f"{qid}.{domain}", 0, 0, 5)
                if level:
                    value[domain] = level
        if value is not None:
            _nested(raw, qid, value)
    return raw


def _assess(form: forms.Form) -> Assessment:
    data = assessment_data()
    answers = parse_answers(read_answers(form, data), data, origin=None)
    target = forms.text(form, "target") or None  # a role id or title; else the answers' goal
    return assess_person(AssessRequest(answers, target, "goal", data))


def _form_context() -> dict[str, Any]:
    data = assessment_data()
    return {"data": data, "domains": data.taxonomy.names}


def _assessment_context(assessment: Assessment, form: forms.Form) -> dict[str, Any]:
    pairs = form.multi_items() if hasattr(form, "multi_items") else list(form.items())
    return {
        "assessment": assessment,
        "radar": figure_div(radar(assessment)),
        "routes": [(r, route_rows(r)) for r in assessment.routes],
        "pairs": [(str(k), str(v)) for k, v in pairs],
    }


# --- routes -----------------------------------------------------------------------------------


def _page_context(request: Request) -> tuple[dict[str, Any], str | None]:
    """Everything the whole page shows, and the review's error if it could not be made."""
    context: dict[str, Any] = {
        **_form_context(),
        "declared_choices": DECLARED_CHOICES,
        "default_weeks": f"{WINDOW_WEEKS:g}",
        "weeks_range": (f"{MIN_WEEKS:g}", f"{MAX_WEEKS:g}"),
        "values": {**REVIEW_DEFAULTS, **_typed_window(request)},
        "review": None,
        "review_error": None,
        "assessment": None,
        "assess_error": None,
    }
    try:
        review, context["values"] = _review(request)
    except DeskmixError as exc:
        context["review_error"] = str(exc)
        return context, str(exc)
    context.update(_review_context(review, context["values"]))
    return context, None


@router.get("/people", response_class=HTMLResponse)
def people_page(request: Request) -> HTMLResponse:
    context, error = _page_context(request)
    if is_htmx(request):
        if error is not None:
            return error_fragment(request, error)
        return fragment(request, "_people_review.html", context)
    return page(request, "people.html", "people", context, status=200 if error is None else 422)


@router.get("/people/report", response_class=HTMLResponse)
def people_report(request: Request) -> HTMLResponse:
    """The skills review as a self-contained HTML report, as a download."""
    try:
        review, _values = _review(request)
    except DeskmixError as exc:
        return error_fragment(request, str(exc))
    return HTMLResponse(
        skills_report(review).render(),
        headers={"Content-Disposition": 'attachment; filename="deskmix-skills-review.html"'},
    )


@router.post("/people/assess", response_class=HTMLResponse)
async def people_assess(request: Request) -> HTMLResponse:
    form = await request.form()
    try:
        assessment = _assess(form)
    except DeskmixError as exc:
        if is_htmx(request):
            return error_fragment(request, str(exc))
        context, _ = _page_context(request)
        context["assess_error"] = str(exc)
        return page(request, "people.html", "people", context, status=422)
    if is_htmx(request):
        return fragment(request, "_people_assessment.html", _assessment_context(assessment, form))
    context, _ = _page_context(request)
    context.update(_assessment_context(assessment, form))
    return page(request, "people.html", "people", context)


@router.post("/people/assess/report", response_class=HTMLResponse)
async def people_assess_report(request: Request) -> HTMLResponse:
    """The self-assessment as a self-contained HTML page to keep or share."""
    form = await request.form()
    try:
        assessment = _assess(form)
    except DeskmixError as exc:
        return error_fragment(request, str(exc))
    return HTMLResponse(
        assessment_report(assessment).render(),
        headers={"Content-Disposition": 'attachment; filename="deskmix-self-assessment.html"'},
    )
