"""The skills review as a documented model: what ``deskmix skills matrix|bus-factor|hidden
--json`` prints (``reports.people.review_dict``), its JSON Schema in ``docs/schemas/skills.json``.
The sections a command does not print are absent (null here)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Departure(_Out):
    person: str
    last_seen: str | None
    reason: str


class Presence(_Out):
    since: str | None
    end: str | None
    active: int = Field(description="People here now (the recent window).")
    gone: list[Departure]
    merges: dict[str, list[str]] = Field(
        description="Names merged as one person (case and spacing)."
    )


class Coverage(_Out):
    area: str
    covering: list[str]
    bus_factor: int
    covered: bool
    single_point: bool
    demand: int = Field(description="Tickets of the area in the history.")


class SkillsOutput(_Out):
    source: str
    by: str
    presence: Presence
    levels: dict[str, dict[str, int]] | None = Field(
        default=None, description="Person -> area -> level 0..5 (declared and evidence)."
    )
    coverage: list[Coverage] | None = None
    single_points: dict[str, list[str]] | None = Field(
        default=None, description="Person -> the areas only they cover."
    )
    suggestions: list[dict[str, Any]] | None = Field(
        default=None, description="Cross-training suggestions (people.crosstrain)."
    )
    hidden_specialists: list[dict[str, Any]] | None = Field(
        default=None, description="Findings with their evidence (people.hidden)."
    )
