"""People over HTTP: a self-assessment scored, and the skills review of the stored history
(skills matrix, coverage and bus factor per area, cross-training, hidden specialists).

Both compute without storing anything, so they are reads. The rules live in
``deskmix.people``; this module only translates.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from datetime import UTC, datetime
from functools import cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from deskmix.api.auth import read_access
from deskmix.api.errors import responses
from deskmix.people.answers import Answers, check_answers
from deskmix.people.assessment import assess
from deskmix.people.catalogue import AssessmentData, load_assessment_data
from deskmix.people.evidence import EvidenceRule
from deskmix.people.hidden import HiddenRule
from deskmix.people.matrix import CoverageRule
from deskmix.people.presence import PresenceRule
from deskmix.people.review import ReviewSettings, review_skills
from deskmix.people.titles import match_role
from deskmix.reports.people import presence_dict
from deskmix.store import Store
from deskmix.store.selection import Selection

router = APIRouter(tags=["people"])


@cache
def _assessment_data() -> AssessmentData:
    return load_assessment_data()


class AssessmentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: Answers = Field(description="The questionnaire's answers (docs/people.md)")
    target_role: str | None = Field(
        default=None,
        max_length=100,
        description="The goal: a role id or a job title (default: the answers' goal, else the "
        "next step up)",
    )


class AreaOut(BaseModel):
    area: str
    covering: list[str] = Field(description="People at or above the coverage level")
    bus_factor: int = Field(description="Fewest people whose absence leaves it uncovered")
    covered: bool
    single_point: bool
    demand: int = Field(description="Resolved tickets in this area in the history")


class SkillsOut(BaseModel):
    source: str
    by: str
    people: list[str]
    areas: list[str]
    levels: dict[str, dict[str, int]] = Field(description="person -> area -> level 0..5")
    coverage: list[AreaOut] = Field(description="Most fragile areas first")
    single_points: dict[str, list[str]]
    suggestions: list[dict[str, Any]] = Field(description="Cross-training that lifts coverage")
    hidden_specialists: list[dict[str, Any]]
    presence: dict[str, Any] = Field(
        description="The window counted (since, end), people active, who dropped out and why, "
        "and the name spellings merged"
    )


def _plain(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value


@router.post(
    "/people/assessment",
    response_model=dict[str, Any],
    summary="Score a self-assessment: T-shape, verdict, fitting roles and a path",
    responses=responses(401, 403, 422),
)
def assessment(body: AssessmentRequest, _read: Any = Depends(read_access)) -> dict[str, Any]:
    data = _assessment_data()
    goal = None
    if body.target_role is not None:  # a role id or a job title in the person's own words
        goal = match_role(body.target_role, data, "target_role").id
    answers = check_answers(body.answers, data)
    result: dict[str, Any] = assess(answers, data, goal).to_dict()
    return result


@router.get(
    "/people/skills",
    response_model=SkillsOut,
    summary="Skills matrix, coverage and bus factor, hidden specialists from the history",
    responses=responses(401, 403, 422),
)
def skills(
    request: Request,
    by: Literal["domain", "category", "group"] = "domain",
    level: Annotated[int, Query(ge=1, le=5, description="Level that counts as cover")] = 3,
    min_people: Annotated[int, Query(ge=1, le=100)] = 1,
    source_system: Annotated[str | None, Query(max_length=40)] = None,
    import_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    weeks: Annotated[float, Query(ge=0.5, le=520, description="The recent window")] = 8,
    since: Annotated[
        datetime | None, Query(description="Count people active since (overrides weeks)")
    ] = None,
    _read: Any = Depends(read_access),
) -> SkillsOut:
    store: Store = request.app.state.store
    settings = ReviewSettings(
        by=by,
        coverage=CoverageRule(level=level, min_people=min_people),
        evidence=EvidenceRule(),
        hidden=HiddenRule(),
        presence=PresenceRule(
            weeks=weeks,
            since=since.replace(tzinfo=since.tzinfo or UTC) if since is not None else None,
        ),
    )
    review = review_skills(
        settings, store=store, selection=Selection(source_system=source_system, import_id=import_id)
    )
    matrix = review.matrix
    return SkillsOut(
        source=review.source,
        by=by,
        people=[str(p) for p in matrix.people],
        areas=[str(a) for a in matrix.areas],
        levels={
            str(person): {str(a): int(v) for a, v in row.items()}
            for person, row in matrix.combined.iterrows()
        },
        coverage=[
            AreaOut(
                area=a.area,
                covering=a.covering,
                bus_factor=a.bus_factor,
                covered=a.covered,
                single_point=a.single_point,
                demand=a.demand,
            )
            for a in review.areas
        ],
        single_points=review.single_points,
        suggestions=[{k: _plain(v) for k, v in asdict(s).items()} for s in review.suggestions],
        hidden_specialists=[{k: _plain(v) for k, v in asdict(f).items()} for f in review.findings],
        presence=presence_dict(review),
    )
