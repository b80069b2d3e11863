"""Response and request models shared by several routers (live tickets, triage answers)."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from deskmix.live.results import Change, TicketState
from deskmix.triage.model import TargetPrediction
from deskmix.triage.text import ticket_text
from deskmix.triage.use_case import MAX_TEXT_CHARS


class TicketWords(BaseModel):
    """A ticket's words: one ``text``, or the ``title`` and ``description`` an ITSM tool keeps.

    The two fields let triage read a ticket the way it learnt from history, the title weighed
    twice beside a body (``triage.text.ticket_text``); a single text is read as it comes.
    """

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_TEXT_CHARS,
        description="Title and description as one text",
    )
    title: str | None = Field(
        default=None,
        min_length=1,
        max_length=2_000,
        description="Short description, subject or summary (instead of text)",
    )
    description: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_TEXT_CHARS,
        description="The body (instead of text)",
    )

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        if self.text is not None and (self.title is not None or self.description is not None):
            raise ValueError("give 'text', or 'title' and 'description', not both")
        return self

    def words(self) -> str | None:
        """The text triage reads, or None when the request brought no words."""
        if self.text is not None:
            return self.text
        if self.title is None and self.description is None:
            return None
        return ticket_text(self.title, self.description)


class RequiredTicketWords(TicketWords):
    """``TicketWords`` where the words are the point of the request (triage)."""

    @model_validator(mode="after")
    def _has_words(self) -> Self:
        if self.words() is None:
            raise ValueError("give 'text', or a 'title' and/or 'description'")
        return self


class TargetAnswer(BaseModel):
    """One triage target: the label (or 'abstain'), its calibrated confidence, and why."""

    label: str
    confidence: float
    abstain: bool
    best_guess: str
    explanation: list[str]

    @classmethod
    def of(cls, p: TargetPrediction) -> TargetAnswer:
        return cls(
            label=p.label,
            confidence=round(p.confidence, 4),
            abstain=p.abstain,
            best_guess=p.best_guess,
            explanation=p.explanation,
        )


class LiveTicketOut(BaseModel):
    """A live ticket: where it is now (state, agent, queue or MSP) and the reason."""

    id: str = Field(description="The ticket's id (yours, or the one deskmix gave it)")
    domain: str
    tier: str
    priority: int = Field(description="1 (P1) .. 5 (P5)")
    stage: str = Field(description="new, direct (straight to specialists) or escalated")
    state: str = Field(description="assigned, queued, msp or done")
    agent: str | None
    queue: str | None
    msp: str | None
    reason: str = Field(description="Why it went there, in one sentence")
    work_limit_hours: float | None = Field(
        description="Work this long at most before escalating (generalist-first's limit)"
    )
    generalist_hours: float
    opened_at: datetime
    queued_at: datetime | None
    assigned_at: datetime | None
    done_at: datetime | None

    @classmethod
    def of(cls, t: TicketState) -> LiveTicketOut:
        return cls(
            id=t.key,
            domain=t.domain,
            tier=t.tier,
            priority=t.priority,
            stage=t.stage,
            state=t.state,
            agent=t.agent,
            queue=t.queue,
            msp=t.msp,
            reason=t.reason,
            work_limit_hours=t.work_limit_hours,
            generalist_hours=t.generalist_hours,
            opened_at=t.opened_at,
            queued_at=t.queued_at,
            assigned_at=t.assigned_at,
            done_at=t.done_at,
        )


class ChangeOut(BaseModel):
    """What a routing request did: the ticket, and tickets freed agents took from queues."""

    ticket: LiveTicketOut
    policy: str
    handed: list[LiveTicketOut] = Field(
        description="Tickets agents took from queues because of this request"
    )
    triage: dict[str, TargetAnswer] | None = Field(
        default=None, description="The triage answers used, when the route request gave text"
    )

    @classmethod
    def of(cls, change: Change, triage: dict[str, TargetAnswer] | None = None) -> ChangeOut:
        return cls(
            ticket=LiveTicketOut.of(change.ticket),
            policy=change.policy,
            handed=[LiveTicketOut.of(t) for t in change.handed],
            triage=triage,
        )
