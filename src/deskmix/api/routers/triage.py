"""Triage over HTTP: domain, tier and ITIL priority from a ticket's text, one or many at once.

Predicting changes nothing, so it is a read (open unless the server has private reads).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from deskmix.api.auth import read_access
from deskmix.api.errors import responses
from deskmix.api.routers.live import triage_of
from deskmix.api.schemas import RequiredTicketWords, TargetAnswer
from deskmix.api.triage_service import TriageService
from deskmix.triage.use_case import (
    DEFAULT_THRESHOLD,
    MAX_BATCH,
    TicketText,
    triage_tickets,
)
from deskmix.triage.use_case import TriageRequest as Triage

router = APIRouter(tags=["triage"])

Target = Literal["domain", "tier", "priority"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TriageRequest(RequiredTicketWords):
    threshold: float = Field(
        default=DEFAULT_THRESHOLD,
        ge=0,
        le=1,
        description="Below this confidence the answer is 'abstain'",
    )
    targets: list[Target] | None = Field(default=None, description="Default: all the model has")


class BatchItem(RequiredTicketWords):
    id: str | None = Field(default=None, max_length=200)


class BatchRequest(_Strict):
    tickets: list[BatchItem] = Field(min_length=1, max_length=MAX_BATCH)
    threshold: float = Field(default=DEFAULT_THRESHOLD, ge=0, le=1)
    targets: list[Target] | None = None


class TriageOut(BaseModel):
    id: str | None = None
    answers: dict[str, TargetAnswer]
    abstain: bool = Field(description="True when any target is below the threshold")
    queue: str = Field(description="'auto', or the queue where a person triages it")


class BatchOut(BaseModel):
    results: list[TriageOut]


def _words(ticket: RequiredTicketWords) -> str:
    words = ticket.words()
    assert words is not None  # RequiredTicketWords refused the request otherwise
    return words


def _answers(
    service: TriageService,
    texts: list[str],
    threshold: float,
    targets: list[Target] | None,
    ids: list[str | None],
) -> list[TriageOut]:
    tickets = [
        TicketText.plain(text, id=ticket_id, row=row)
        for row, (text, ticket_id) in enumerate(zip(texts, ids, strict=True), start=1)
    ]
    result = triage_tickets(Triage(tickets, threshold, targets), service.model())
    return [
        TriageOut(
            id=ticket_id,
            answers={name: TargetAnswer.of(p) for name, p in triaged.answers.items()},
            abstain=triaged.abstain,
            queue=triaged.queue,
        )
        for ticket_id, triaged in zip(ids, result.tickets, strict=True)
    ]


@router.post(
    "/triage",
    response_model=TriageOut,
    summary="Predict domain, tier and priority of one ticket",
    responses=responses(401, 403, 422),
)
def triage_one(
    body: TriageRequest,
    service: TriageService = Depends(triage_of),
    _read: Any = Depends(read_access),
) -> TriageOut:
    """Each answer has a calibrated confidence and the words that weighed most."""
    return _answers(service, [_words(body)], body.threshold, body.targets, [None])[0]


@router.post(
    "/triage/batch",
    response_model=BatchOut,
    summary="Predict domain, tier and priority of up to 1000 tickets",
    responses=responses(401, 403, 422),
)
def triage_batch(
    body: BatchRequest,
    service: TriageService = Depends(triage_of),
    _read: Any = Depends(read_access),
) -> BatchOut:
    texts = [_words(t) for t in body.tickets]
    ids = [t.id for t in body.tickets]
    return BatchOut(results=_answers(service, texts, body.threshold, body.targets, ids))
