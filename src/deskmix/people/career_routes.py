"""Career routes: broaden, deepen and the goal, each a ladder of roles walked step by step.

A route climbs one role per seniority from the person's own rung (never below it); each step
raises the levels the role asks for, takes its certifications in prerequisite order
(``career.certification_order``, a recommended foundation skipped when the level it teaches is
already reached) and adds the months and exam fees it costs. The person's levels,
certifications and years carry from one step to the next, so a later step does not ask again
for what an earlier one gave.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from deskmix.people.answers import Answers
from deskmix.people.career import (
    CareerPath,
    CertStep,
    RoleFit,
    Route,
    RouteStep,
    SkillGap,
    certification_order,
)
from deskmix.people.catalogue import AssessmentData, Certification, Role
from deskmix.people.scoring import Profile

COVERED_LEVEL = 3  # at practitioner level in its domain, a recommended foundation is skipped
WEEKS_PER_MONTH = 52 / 12


@dataclass
class _State:
    """What the person has while walking a route: levels, certifications, years."""

    levels: dict[str, int]
    held: set[str]
    years: float


def _choose(item: str | list[str], state: _State, data: AssessmentData) -> str | None:
    """A role's certification entry: itself, or of alternatives the held one (None) or the one
    whose vendor you already hold most of (then the first listed)."""
    if isinstance(item, str):
        return item
    if any(c in state.held for c in item):
        return None
    vendors = [data.certifications[c].vendor for c in state.held]
    return max(item, key=lambda c: (vendors.count(data.certifications[c].vendor), -item.index(c)))


def _held_names(role: Role, held: set[str], data: AssessmentData) -> list[str]:
    return [data.certifications[c].name for c in role.certification_ids if c in held]


def is_done(role: Role, state: _State, data: AssessmentData) -> bool:
    """Nothing left to learn for the role: every level, certification and year in place."""
    levels_ok = all(state.levels.get(d, 0) >= r for d, r in role.requires.items())
    certs_ok = all(
        _choose(item, state, data) in (None, *state.held) for item in role.certifications
    )
    return levels_ok and certs_ok and state.years >= role.min_years


def _step(role: Role, fit: float, state: _State, data: AssessmentData) -> RouteStep:
    gaps = [
        SkillGap(d, state.levels.get(d, 0), r)
        for d, r in role.requires.items()
        if state.levels.get(d, 0) < r
    ]
    have = [
        SkillGap(d, state.levels.get(d, 0), r)
        for d, r in role.requires.items()
        if state.levels.get(d, 0) >= r
    ]
    wanted = [c for item in role.certifications if (c := _choose(item, state, data))]

    reached = {d: max(state.levels.get(d, 0), role.requires.get(d, 0)) for d in state.levels}

    def covered(cert: Certification) -> bool:
        return cert.domain is not None and reached.get(cert.domain, 0) >= COVERED_LEVEL

    order = certification_order(wanted, state.held, data, covered)
    listed = {c.id for c in order}
    steps = []
    for cert in order:
        why = f"for {role.name}" if cert.id in wanted else "prerequisite of a later step"
        note = (
            f"asks for {cert.min_years:g} years of experience (you will have {state.years:g})"
            if cert.min_years > state.years
            else None
        )
        skipped = tuple(r for r in cert.recommended if r not in listed and r not in state.held)
        owned = tuple(r for r in cert.prerequisites if r in state.held)
        steps.append(
            CertStep(cert, why, note, tuple(cert.required), tuple(cert.recommended), skipped, owned)
        )
    missing_levels = sum(g.required - g.level for g in gaps)
    prep = sum(c.prep_weeks for c in order) / WEEKS_PER_MONTH
    years_short = max(0.0, role.min_years - state.years) * 12
    months = float(
        math.ceil(max(missing_levels * data.seniority.months_per_level, prep, years_short))
    )
    notes = []
    if years_short:
        notes.append(f"usually asks for {role.min_years:g} years in IT")
    step = RouteStep(
        role=role,
        fit=fit,
        skills=gaps,
        certifications=steps,
        have_skills=have,
        have_certifications=_held_names(role, state.held, data),
        months=months,
        cost_usd=float(sum(c.exam_usd for c in order)),
        notes=notes,
    )
    for g in gaps:
        state.levels[g.domain] = g.required
    state.held |= {c.id for c in order}
    state.years += months / 12
    return step


def _walk(
    roles: list[Role],
    fits: dict[str, float],
    answers: Answers,
    profile: Profile,
    data: AssessmentData,
) -> list[RouteStep]:
    state = _State(dict(profile.levels), set(answers.certifications), answers.years_in_it)
    return [_step(r, fits[r.id], state, data) for r in roles]


def _ladder(
    candidates: list[Role],
    start: int,
    current: Role | None,
    fits: dict[str, float],
    state: _State,
    data: AssessmentData,
    *,
    until: int = 5,
) -> list[Role]:
    """One role per seniority from ``start`` up: the best-fitting one not yet done."""
    out = []
    for level in range(start, until + 1):
        here = [
            r
            for r in candidates
            if r.seniority == level and r != current and not is_done(r, state, data)
        ]
        if here:
            out.append(max(here, key=lambda r: (fits[r.id], -data.roles.index(r))))
    return out


def _state(answers: Answers, profile: Profile) -> _State:
    return _State(dict(profile.levels), set(answers.certifications), answers.years_in_it)


def build_routes(
    answers: Answers,
    data: AssessmentData,
    profile: Profile,
    fits: list[RoleFit],
    seniority: int,
    domain_order: list[str],
    goal: Role | None,
) -> list[Route]:
    """Broaden and deepen from the person's seniority (first step at it or one above, never
    below), and the route to the goal when one is given, first."""
    by_id = {f.role.id: f.fit for f in fits}
    current = next((r for r in data.roles if r.id == answers.current_role), None)
    table = data.seniority
    routes: list[Route] = []
    if goal is not None:
        routes.append(_goal_route(goal, answers, data, profile, by_id, seniority, current))
    # at your own rung, broadening means a role that asks for more breadth than yours
    broad = [
        r
        for r in data.roles
        if r.id in table.broaden
        and not (
            current is not None
            and r.seniority <= max(seniority, current.seniority)
            and r.breadth <= current.breadth
        )
    ]
    ladder = _ladder(broad, seniority, current, by_id, _state(answers, profile), data)
    if ladder and ladder[0].seniority <= seniority + 1:
        steps = _walk(ladder, by_id, answers, profile, data)
        routes.append(Route("broaden", f"Broaden: towards {ladder[-1].name}", steps))
    else:
        routes.append(Route("broaden", "Broaden", [], "no broader role within one rung of yours"))
    routes.append(_deepen(answers, data, profile, by_id, seniority, current, domain_order))
    return routes


def _deepen(
    answers: Answers,
    data: AssessmentData,
    profile: Profile,
    fits: dict[str, float],
    seniority: int,
    current: Role | None,
    domain_order: list[str],
) -> Route:
    table = data.seniority
    tried = []
    for domain in domain_order:
        family = table.domain_family.get(domain)
        if family is None or family not in table.deepen or family in tried:
            continue
        tried.append(family)
        members = [
            r
            for r in data.roles
            if r.family == family
            and not (
                current is not None
                and family == current.family
                and r.seniority <= current.seniority
            )
        ]
        ladder = _ladder(members, seniority, current, fits, _state(answers, profile), data)
        if ladder and ladder[0].seniority <= seniority + 1:
            steps = _walk(ladder, fits, answers, profile, data)
            return Route(
                "deepen",
                f"Deepen ({family}, from your {domain}): towards {ladder[-1].name}",
                steps,
            )
    return Route("deepen", "Deepen", [], "no deeper role within one rung of yours")


def _goal_route(
    goal: Role,
    answers: Answers,
    data: AssessmentData,
    profile: Profile,
    fits: dict[str, float],
    seniority: int,
    current: Role | None,
) -> Route:
    title = f"Your goal: {goal.name}"
    if goal.seniority < seniority:
        return Route(
            "goal",
            title,
            [],
            f"{goal.name} (seniority {goal.seniority}) is below yours ({seniority}): you are "
            "over-qualified for it, so it is not offered as a step",
        )
    members = [r for r in data.roles if r.family == goal.family and r.seniority < goal.seniority]
    state = _state(answers, profile)
    ladder = _ladder(members, seniority, current, fits, state, data, until=goal.seniority - 1)
    steps = _walk([*ladder, goal], fits, answers, profile, data)
    note = None
    if goal == current or (not steps[-1].skills and not steps[-1].certifications):
        note = f"you already have what {goal.name} asks for"
    return Route("goal", title, steps, note)


def path_of(route: Route) -> CareerPath | None:
    """The first step of a route as the one-role path (the goal route: all the way to it)."""
    if not route.steps:
        return None
    steps = route.steps if route.kind == "goal" else route.steps[:1]
    gaps: dict[str, SkillGap] = {}
    for gap in (g for s in steps for g in s.skills):  # one line per domain, first to last level
        first = gaps.get(gap.domain)
        gaps[gap.domain] = SkillGap(gap.domain, first.level if first else gap.level, gap.required)
    return CareerPath(
        steps[-1].role, list(gaps.values()), [c for s in steps for c in s.certifications]
    )
