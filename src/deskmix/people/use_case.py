"""The people features as use cases: a self-assessment (assess) and the skills review (skills).

``assess_person(AssessRequest) -> Assessment`` and ``review_desk_skills(SkillsRequest, store)
-> SkillsReview`` are what ``deskmix assess`` / ``deskmix skills ...``, ``POST
/api/people/assessment`` / ``GET /api/people/skills`` and the dashboard's people page call;
each interface reads its answers or query into the request and renders the result (the
shared renderings are ``reports.people``). The defaults every interface starts from (the
level that counts as cover, the recent window, how many cross-training steps) are named here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deskmix.people.answers import Answers
    from deskmix.people.assessment import Assessment
    from deskmix.people.catalogue import AssessmentData
    from deskmix.people.hidden import HiddenRule
    from deskmix.people.history import Axis
    from deskmix.people.review import Phase, ReviewSettings, SkillsReview
    from deskmix.store import Store
    from deskmix.store.selection import Selection

COVER_LEVEL = 3
"""The level (0..5) at which a person covers an area."""
MIN_PEOPLE = 1
"""People an area needs at that level to count as covered."""
WINDOW_WEEKS: float = 8
"""The recent window: who resolved tickets in it is 'here now'."""
SUGGESTIONS = 5
"""Cross-training steps suggested."""


# --- assess -----------------------------------------------------------------------------------


@cache
def _shipped_data() -> AssessmentData:
    from deskmix.people.catalogue import load_assessment_data

    return load_assessment_data(None)


def assessment_data(folder: Path | None = None) -> AssessmentData:
    """The questionnaire, roles and certifications: a user's copies from ``folder``, else the
    shipped ones (read once per process)."""
    if folder is None:
        return _shipped_data()
    from deskmix.people.catalogue import load_assessment_data

    return load_assessment_data(folder)


@dataclass(frozen=True)
class AssessRequest:
    """One person's answers, and where they want to go."""

    answers: Answers
    goal: str | None = None
    """A role id or a job title in the person's words; None: the answers' goal, else the
    next step up."""
    goal_field: str = "goal"
    """How the interface names the goal, in the error when it matches no role."""
    data: AssessmentData | None = None
    """The questionnaire the answers were read with; None: the shipped one."""


def check_goal(goal: str | None, data: AssessmentData, field: str = "goal") -> None:
    """An ``InputError`` naming ``field`` when ``goal`` matches no role (before any question
    is asked, in an interview)."""
    if goal is not None:
        from deskmix.people.titles import match_role

        match_role(goal, data, field)


def assess_person(request: AssessRequest) -> Assessment:
    """T-shape, spectrum position and verdict, fitting roles and routes with their steps."""
    from deskmix.people.assessment import assess

    data = request.data if request.data is not None else assessment_data()
    check_goal(request.goal, data, request.goal_field)
    return assess(request.answers, data, request.goal)


# --- skills -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillsRequest:
    """Which history to review, by which areas, and the rules of the review."""

    by: Axis = "domain"
    level: int = COVER_LEVEL
    min_people: int = MIN_PEOPLE
    suggestions: int = SUGGESTIONS
    hidden: HiddenRule | None = None
    """The hidden-specialist test's thresholds; None: the defaults."""
    weeks: float = WINDOW_WEEKS
    since: datetime | None = None
    """Count people active since (a naive time is UTC); overrides ``weeks``."""
    source: str | None = None
    import_id: int | None = None
    declared_file: Path | None = None
    """A team YAML or skills CSV with declared levels, kinds and statuses."""

    def settings(self) -> ReviewSettings:
        from deskmix.people.evidence import EvidenceRule
        from deskmix.people.hidden import HiddenRule
        from deskmix.people.matrix import CoverageRule
        from deskmix.people.presence import PresenceRule
        from deskmix.people.review import ReviewSettings

        since = self.since
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return ReviewSettings(
            by=self.by,
            coverage=CoverageRule(level=self.level, min_people=self.min_people),
            evidence=EvidenceRule(),
            hidden=self.hidden or HiddenRule(),
            suggestions=self.suggestions,
            presence=PresenceRule(weeks=self.weeks, since=since),
        )

    def selection(self) -> Selection:
        from deskmix.store.selection import Selection

        return Selection(source_system=self.source, import_id=self.import_id)


def review_desk_skills(
    request: SkillsRequest, store: Store | None, phase: Phase | None = None
) -> SkillsReview:
    """Skills matrix, coverage and bus factor per area, cross-training suggestions and hidden
    specialists, for the people here now. ``store`` None: declared levels only."""
    from deskmix.people.review import review_skills

    return review_skills(
        request.settings(),
        store=store,
        selection=request.selection(),
        declared_file=request.declared_file,
        phase=phase,
    )
