"""The people use cases called directly: a self-assessment and the skills review."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskmix.errors import InputError
from deskmix.importers.writer import write_import
from deskmix.people.answers import load_answers
from deskmix.people.generator import generate_history
from deskmix.people.use_case import (
    AssessRequest,
    SkillsRequest,
    assess_person,
    assessment_data,
    review_desk_skills,
)
from deskmix.store import Store

PERSONAS = Path(__file__).parent / "personas"


def test_a_persona_gets_a_verdict_roles_and_the_goal_it_asks_for() -> None:
    data = assessment_data()
    assert assessment_data() is data  # the shipped files are read once
    answers = load_answers(PERSONAS / "helpdesk_allrounder.yaml", data)
    result = assess_person(AssessRequest(answers, goal="network_engineer"))
    assert result.verdict and result.fits
    assert result.goal is not None and result.goal.id == "network_engineer"
    assert result.recommended == "goal"
    with pytest.raises(InputError, match="target_role"):
        assess_person(AssessRequest(answers, goal="astronaut xyz", goal_field="target_role"))


def test_the_review_finds_the_planted_specialists(sqlite_store: Store) -> None:
    world = generate_history(4)
    write_import(sqlite_store, world.batch())
    phases: list[str] = []
    review = review_desk_skills(SkillsRequest(), sqlite_store, phases.append)
    found = {(f.person, f.area) for f in review.findings}
    assert set(world.planted) <= found
    assert phases and review.settings.coverage.level == 3
    levels = review.levels()
    assert set(levels) == {str(p) for p in review.matrix.people}
    top = review.top_people(3)
    totals = [sum(levels[p].values()) for p in top]
    assert len(top) == 3 and totals == sorted(totals, reverse=True)
    assert review.generalists_tested() >= len(world.planted)
    stricter = review_desk_skills(SkillsRequest(level=5, min_people=3), sqlite_store)
    assert sum(a.covered for a in stricter.areas) <= sum(a.covered for a in review.areas)


def test_nothing_to_review_is_an_error() -> None:
    with pytest.raises(InputError, match="nothing to review"):
        review_desk_skills(SkillsRequest(), None)
