"""Personas with expected verdicts, seniority and first steps on each route; and the rule that
every automatic target is at the person's seniority or one rung up, never an over-qualified role."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmix.people.answers import load_answers, parse_answers
from deskmix.people.assessment import Assessment, assess
from deskmix.people.catalogue import load_assessment_data
from deskmix.people.scoring import build_profile, margin, max_step, place_on_spectrum

PERSONAS = Path(__file__).parent / "personas"
DATA = load_assessment_data()

# persona: (verdict, seniority, suggested route, {route: (first role, first certifications)})
EXPECTED: dict[str, tuple[str, int, str, dict[str, tuple[str, list[str]]]]] = {
    "sole_it_person": (
        "IT support pro",
        4,
        "broaden",
        {
            "broaden": ("it_manager", ["itil4_foundation", "prince2_foundation", "itil4_mp"]),
            "deepen": ("senior_systems_engineer", ["comptia_linux_plus"]),
        },
    ),
    "desktop_tech_wants_cloud": (
        "In between: T-shaped all-rounder",
        2,
        "goal",
        {
            "goal": ("cloud_support_associate", ["az_900"]),
            "broaden": ("systems_administrator", ["comptia_server_plus"]),
            "deepen": ("endpoint_engineer", ["ms_md102", "ms_sc300"]),
        },
    ),
    "it_manager_15_years": (
        "In between: T-shaped all-rounder",
        4,
        "broaden",
        {
            "broaden": ("head_of_it", ["togaf_foundation", "itil4_mp", "cism"]),
            "deepen": ("senior_systems_engineer", ["comptia_linux_plus"]),
        },
    ),
    "senior_network_engineer_ccnp": (
        "Recognised specialist (network)",
        4,
        "deepen",
        {
            "deepen": ("network_architect", ["togaf_foundation", "ccie_enterprise"]),
            "broaden": ("it_manager", ["itil4_foundation"]),
        },
    ),
    "firewall_service_desk_analyst": (
        "Hidden specialist (network and security)",
        3,
        "deepen",
        {
            "deepen": ("network_engineer", ["ccna"]),
            "broaden": ("systems_administrator", ["comptia_server_plus"]),
        },
    ),
    "helpdesk_starter": (
        "IT support pro",
        1,
        "broaden",
        {
            "broaden": ("desktop_support", ["comptia_a_plus", "ms_md102"]),
            "deepen": ("desktop_support", ["comptia_a_plus", "ms_md102"]),
        },
    ),
    "reporting_analyst_cloud_data": (
        "Recognised specialist (cloud and data)",
        3,
        "deepen",
        {
            "deepen": ("database_specialist", ["ms_dp300"]),
            "broaden": ("it_analyst", ["itil4_foundation"]),
        },
    ),
    "junior_sysadmin_wants_architect": (
        "In between: T-shaped all-rounder",
        2,
        "goal",
        {
            "goal": ("solutions_architect", ["az_104", "togaf_foundation", "az_305"]),
            "deepen": ("cloud_engineer", ["az_104"]),
            "broaden": ("systems_administrator", ["comptia_server_plus", "az_104"]),
        },
    ),
    "network_engineer_helpdesk_title": (
        "Hidden specialist (network)",
        3,
        "deepen",
        {"deepen": ("senior_network_engineer", ["ccnp_enterprise"])},
    ),
    "helpdesk_allrounder": (
        "IT support pro",
        3,
        "broaden",
        {"broaden": ("systems_administrator", ["comptia_server_plus"])},
    ),
}


def _assess(name: str) -> Assessment:
    return assess(load_answers(PERSONAS / f"{name}.yaml", DATA), DATA)


def _automatic_targets_go_forward(result: Assessment) -> None:
    s = result.seniority
    over = {f.role.id for f in result.fits if f.overqualified}
    for route in result.routes:
        if route.kind == "goal":
            continue
        if route.steps:
            assert s <= route.steps[0].role.seniority <= s + 1, (route.kind, route.steps[0])
        levels = [step.role.seniority for step in route.steps]
        assert levels == sorted(levels)
        assert not {step.role.id for step in route.steps} & over


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_persona_gets_the_expected_verdict_and_first_steps(name: str) -> None:
    verdict, seniority, suggested, firsts = EXPECTED[name]
    result = _assess(name)
    assert result.verdict == verdict
    assert result.seniority == seniority
    assert result.recommended == suggested
    routes = {r.kind: r for r in result.routes}
    assert {"broaden", "deepen"} <= set(routes)
    for kind, (role, certs) in firsts.items():
        step = routes[kind].steps[0]
        assert step.role.id == role, (kind, step.role.id)
        got = [c.certification.id for c in step.certifications]
        assert got[: len(certs)] == certs, (kind, got)
        assert step.months > 0 or not (step.skills or step.certifications)
        assert step.cost_usd == sum(c.certification.exam_usd for c in step.certifications)
    _automatic_targets_go_forward(result)


def test_nobody_senior_is_sent_back_to_the_help_desk() -> None:
    for name in ("sole_it_person", "it_manager_15_years", "senior_network_engineer_ccnp"):
        result = _assess(name)
        offered = {s.role.id for r in result.routes for s in r.steps}
        assert not offered & {"help_desk_technician", "desktop_support"}


def test_a_free_text_goal_and_title_are_matched_to_roles() -> None:
    result = _assess("desktop_tech_wants_cloud")
    assert result.goal is not None and result.goal.id == "cloud_engineer"
    assert result.path.target.id == "cloud_engineer"
    firewall = _assess("firewall_service_desk_analyst")
    assert firewall.answers.current_role == "help_desk_technician"
    assert firewall.answers.title == "Service desk analyst"


def test_steps_state_required_and_recommended_prerequisites_and_what_you_have() -> None:
    lars = _assess("senior_network_engineer_ccnp")
    deepen = next(r for r in lars.routes if r.kind == "deepen")
    ccie = next(
        c for c in deepen.steps[0].certifications if c.certification.id == "ccie_enterprise"
    )
    assert ccie.recommended == ("ccnp_enterprise",) and ccie.required == ()
    assert "network" in {g.domain for g in deepen.steps[0].have_skills}
    olu = _assess("junior_sysadmin_wants_architect")
    goal = next(r for r in olu.routes if r.kind == "goal")
    az305 = next(c for c in goal.steps[-1].certifications if c.certification.id == "az_305")
    assert az305.required == ("az_104",)
    assert goal.months >= 12  # three rungs up is years of work, and the route says so


def test_an_over_qualified_goal_is_not_offered() -> None:
    answers = load_answers(PERSONAS / "it_manager_15_years.yaml", DATA)
    result = assess(answers, DATA, "help desk")
    goal = next(r for r in result.routes if r.kind == "goal")
    assert goal.steps == [] and goal.note is not None and "over-qualified" in goal.note
    assert result.recommended != "goal"


levels = st.integers(min_value=0, max_value=5)


@settings(max_examples=80, deadline=None)
@given(
    experience=st.fixed_dictionaries(dict.fromkeys(DATA.taxonomy.names, levels)),
    years=st.floats(0, 30),
    role=st.sampled_from([None, *[r.id for r in DATA.roles]]),
)
def test_automatic_targets_are_at_the_persons_seniority_or_one_up(
    experience: dict[str, int], years: float, role: str | None
) -> None:
    raw = {"experience": experience, "years_in_it": years}
    if role:
        raw["current_role"] = role
    result = assess(parse_answers(raw, DATA), DATA)
    _automatic_targets_go_forward(result)
    if role:
        assert result.seniority >= next(r.seniority for r in DATA.roles if r.id == role)


def test_two_related_deep_domains_are_one_specialism_not_range() -> None:
    dev = _assess("firewall_service_desk_analyst")
    assert dev.profile.stem == ("network", "security")
    assert "cluster" in " ".join(dev.reasons)
    assert not dev.margin.on_boundary or dev.margin.distance > 0
    # the same depth with nothing to say otherwise: still a specialist, not an all-rounder
    bare = parse_answers(
        {"experience": {"network": 4, "security": 4, "end_user": 2, "accounts_access": 2}}, DATA
    )
    result = assess(bare, DATA)
    assert result.profile.stem_label == "network and security"
    assert result.position.band != "t_shaped" or result.margin.on_boundary


def test_the_firewall_analyst_with_nothing_else_answered_is_still_a_hidden_specialist() -> None:
    bare = parse_answers(
        {
            "title": "Service desk analyst",
            "years_in_it": 4,
            "experience": {"network": 4, "security": 4, "end_user": 3, "accounts_access": 2},
        },
        DATA,
    )
    assert bare.current_role == "help_desk_technician"  # the title names the role
    result = assess(bare, DATA)
    assert result.verdict == "Hidden specialist (network and security)"
    deepen = next(r for r in result.routes if r.kind == "deepen")
    assert deepen.steps[0].role.family == "network"


@settings(max_examples=120, deadline=None)
@given(
    experience=st.fixed_dictionaries(dict.fromkeys(DATA.taxonomy.names, levels)),
    domain=st.sampled_from(DATA.taxonomy.names),
    delta=st.sampled_from([1, -1]),
    certs=st.lists(st.sampled_from(list(DATA.certifications)), max_size=4, unique=True),
    projects=st.lists(st.sampled_from(DATA.taxonomy.names), max_size=3),
)
def test_a_one_level_change_moves_the_verdict_only_on_a_stated_boundary(
    experience: dict[str, int], domain: str, delta: int, certs: list[str], projects: list[str]
) -> None:
    answers = parse_answers(
        {"experience": experience, "certifications": certs, "projects": projects}, DATA
    )
    position = place_on_spectrum(answers, DATA, build_profile(answers, DATA))
    level = experience[domain] + delta
    if not 0 <= level <= 5:
        return
    changed = parse_answers(
        {"experience": experience | {domain: level}, "certifications": certs, "projects": projects},
        DATA,
    )
    moved = place_on_spectrum(changed, DATA, build_profile(changed, DATA))
    assert abs(moved.value - position.value) <= max_step(DATA) + 1e-9  # a bounded step
    stated = margin(answers, DATA, position)
    if moved.band != position.band:
        assert stated.on_boundary and (domain, delta, moved.label) in stated.flips
    if stated.distance > max_step(DATA):
        assert not stated.on_boundary
