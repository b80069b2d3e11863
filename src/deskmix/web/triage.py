"""The triage page: paste a ticket, see its domain, tier and priority, how sure, and why."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from deskmix.errors import DeskmixError, InputError
from deskmix.triage.answers import queue_for
from deskmix.triage.targets import HUMAN_QUEUE
from deskmix.triage.text import readable_text, require_text, ticket_text
from deskmix.web import forms
from deskmix.web.desk import triage_model_of
from deskmix.web.rendering import fragment, is_htmx, page, user_error

router = APIRouter()

MAX_TEXT = 20_000  # characters; a ticket, not a document
TOP_LABELS = 3


def _defaults() -> dict[str, object]:
    return {"title": "", "description": "", "threshold": 0.5, "result": None, "error": None}


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
        threshold = forms.decimal(form, "threshold", 0.5, 0.0, 1.0)
        context["threshold"] = threshold
        text = require_text(ticket_text(title, description))
        if len(readable_text(title, description)) > MAX_TEXT:  # what was typed, title once
            raise InputError(
                "ticket text too long",
                field="description",
                expected=f"at most {MAX_TEXT:,} characters",
            )
        answer = model.predict([text], threshold=threshold)[0]
    except DeskmixError as exc:
        return user_error(request, str(exc), "triage.html", "triage", context)
    queue = queue_for(answer)
    context["result"] = {
        "answers": [
            {
                "target": target,
                "prediction": prediction,
                "top": sorted(prediction.probabilities.items(), key=lambda kv: -kv[1])[:TOP_LABELS],
            }
            for target, prediction in answer.items()
        ],
        "abstained": queue == HUMAN_QUEUE,
        "queue": queue,
    }
    if is_htmx(request):
        return fragment(request, "_triage_result.html", context)
    return page(request, "triage.html", "triage", context)
