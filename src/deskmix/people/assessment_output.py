"""The self-assessment as a documented model: what ``deskmix assess --json`` prints
(``Assessment.to_dict``), its JSON Schema in ``docs/schemas/assessment.json``.

``to_dict`` stays the one place the answer is written; this model describes it, and
``tests/people/test_assessment_output.py`` holds every persona's answer to it (``extra`` is
forbidden, so a key added to ``to_dict`` without the model fails the test).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Flip(_Out):
    domain: str
    change: int = Field(description="The one-level change (+1 or -1) in this domain.")
    verdict: str = Field(description="The verdict that change would give.")


class Margin(_Out):
    edge: float = Field(description="The nearest band edge on the spectrum.")
    distance: float = Field(description="How far the position is from that edge.")
    on_boundary: bool
    flips: list[Flip]


class Component(_Out):
    value: float
    weight: float


class Profile(_Out):
    levels: dict[str, int] = Field(description="Self-rated level 0-5 per skill domain.")
    breadth: int
    depth: int
    top_domain: str
    second_domain: str | None
    working_level: int


class Gap(_Out):
    level: int
    required: int


class RoleFit(_Out):
    id: str
    name: str
    fit: float
    fits: bool
    overqualified: bool
    family: str
    seniority: int
    gaps: dict[str, Gap]
    notes: list[str]


class SkillStep(_Out):
    domain: str
    from_level: int = Field(alias="from")
    to_level: int = Field(alias="to")


class PathCertification(_Out):
    id: str
    name: str
    level: int
    domain: str | None
    prerequisites: list[str]
    required: list[str]
    recommended: list[str]
    why: str
    note: str | None


class Path(_Out):
    target: str
    skills: list[SkillStep]
    certifications: list[PathCertification]


class RouteCertification(_Out):
    id: str
    name: str
    level: int
    required: list[str]
    recommended: list[str]
    skipped_recommended: list[str]
    held_prerequisites: list[str]
    exam_usd: float
    prep_weeks: float
    why: str
    note: str | None


class Have(_Out):
    skills: dict[str, int]
    certifications: list[str]


class RouteStep(_Out):
    role: str
    name: str
    family: str
    seniority: int
    sfia: int = Field(description="SFIA 8 level of the role.")
    nice: list[str] = Field(description="NICE framework work roles.")
    fit: float
    skills: list[SkillStep]
    certifications: list[RouteCertification]
    have: Have
    months: float
    cost_usd: float
    notes: list[str]


class Route(_Out):
    kind: str = Field(description="broaden, deepen or goal.")
    title: str
    note: str | None
    months: float
    cost_usd: float
    steps: list[RouteStep]


class AssessmentOutput(_Out):
    """One person's self-assessment: verdict, spectrum position, role fit and career routes."""

    name: str | None
    verdict: str
    position: float = Field(description="0 = pure generalist, 1 = pure specialist.")
    band: str
    margin: Margin
    stem: list[str]
    reasons: list[str]
    components: dict[str, Component]
    profile: Profile
    roles: list[RoleFit]
    seniority: int
    seniority_reason: str
    goal: str | None
    recommended: str
    routes: list[Route]
    path: Path
