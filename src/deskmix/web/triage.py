"""The triage page: paste a ticket, see its domain, tier and priority, how sure, and why."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from deskmix.errors import DeskmixError
from deskmix.triage.use_case import (
    DEFAULT_THRESHOLD,
    MAX_TEXT_CHARS,
    TicketText,
    TriageRequest,
    triage_tickets,
)
from deskmix.web import forms
from deskmix.web.desk import triage_model_of
from deskmix.web.rendering import fragment, is_htmx, page, user_error

router = APIRouter()


def _defaults() -> dict[str, object]:
    return {
        "title": "",
        "description": "",
        "threshold": DEFAULT_THRESHOLD,
        "result": None,
        "error": None,
    }


@router.get("/triage", response_class=HTMLResponse)
def triage_page(request: Request) -> HTMLResponse:
    model = triage_model_of(request)
    return page(request, "triage.html", "triage", {**_defaults(), "model": model.description})


@router.post("/triage", response_class=HTMLResponse)
async def triage_submit(request: Request) -> HTMLResponse:
    form = await request.form()
    title, description = forms.text(form, "title"), forms.text(form, "description")
    model = triage_model_of(request)
    context: dict[str, object] = {
        **_defaults(),
        "title": title,
        "description": description,
        "model": model.description,
    }
    try:
        threshold = forms.decimal(form, "threshold", DEFAULT_THRESHOLD, 0.0, 1.0)
        context["threshold"] = threshold
        ticket = TicketText.of(title, description, max_chars=MAX_TEXT_CHARS)
        triaged = triage_tickets(TriageRequest([ticket], threshold), model).tickets[0]
    except DeskmixError as exc:
        return user_error(request, str(exc), "triage.html", "triage", context)
    context["result"] = {
        "answers": [
            {"target": target, "prediction": prediction, "top": triaged.top(target)}
            for target, prediction in triaged.answers.items()
        ],
        "abstained": triaged.abstain,
        "queue": triaged.queue,
    }
    if is_htmx(request):
        return fragment(request, "_triage_result.html", context)
    return page(request, "triage.html", "triage", context)
