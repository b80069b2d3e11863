"""The documented shapes of triage's machine-readable output (docs/schemas/triage-*.json).

``deskmix triage predict`` writes one ``TriageAnswer`` per ticket (JSON lines, or a JSON array
with ``--out x.json``); ``deskmix triage score --json`` writes ``TriageScores``. The records are
built without pydantic (``answers.py``: a cold prediction should not import it); these models
are the schema they are checked against in the tests and published in docs/schemas.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class HeadAnswer(BaseModel):
    """One target's answer: ``label`` is ``abstain`` below the threshold, then ``best_guess``
    holds the model's choice."""

    model_config = ConfigDict(extra="forbid")

    label: str
    confidence: float = Field(ge=0.0, le=1.0)
    abstain: bool
    explanation: list[str] = Field(description="Words and cue matches that moved the answer.")
    best_guess: str | None = None


class TriageAnswer(BaseModel):
    """One ticket's answers; a target not asked for (``--target``) is absent."""

    model_config = ConfigDict(extra="forbid")

    id: str | int | None = None
    text: str
    domain: HeadAnswer | None = None
    tier: HeadAnswer | None = None
    priority: HeadAnswer | None = None
    abstain: bool
    queue: Literal["auto", "human"]


class HeadScore(BaseModel):
    model_config = ConfigDict(extra="forbid")

    head: Literal["domain", "tier", "impact", "urgency", "priority"]
    n: int
    accuracy: float
    macro_f1: float
    ece: float
    accuracy_at_80_coverage: float
    most_predicted: str
    most_predicted_share: float


class TriageScores(BaseModel):
    """A model scored on labelled tickets (``deskmix triage score --json``)."""

    model_config = ConfigDict(extra="forbid")

    source: str
    heads: list[HeadScore]
