"""Response and request models shared by several routers (live tickets, triage answers)."""

from __future__ import annotations

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


LiveTicketOut = TicketState
"""A live ticket as the API answers it: the live desk's own model (``live.results``), whose
fields and descriptions are the response schema."""


class ChangeOut(BaseModel):
    """What a routing request did: the ticket, and tickets freed agents took from queues."""

    ticket: TicketState
    policy: str
    handed: list[TicketState] = Field(
        description="Tickets agents took from queues because of this request"
    )
    triage: dict[str, TargetAnswer] | None = Field(
        default=None, description="The triage answers used, when the route request gave text"
    )

    @classmethod
    def of(cls, change: Change, triage: dict[str, TargetAnswer] | None = None) -> ChangeOut:
        return cls(
            ticket=change.ticket,
            policy=change.policy,
            handed=change.handed,
            triage=triage,
        )
