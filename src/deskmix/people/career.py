"""Which roles fit a profile, and the path of skills and certifications towards one.

Role fit is a shortfall measure, not a similarity score, because a person over-qualified in a
domain still fits the role: only what is missing counts against it.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from deskmix.people.answers import Answers
from deskmix.people.catalogue import AssessmentData, Certification, Role
from deskmix.people.scoring import Profile

BREADTH_PENALTY = 0.10  # per domain short of the role's breadth
YEARS_PENALTY = 0.05  # per year short of the role's usual experience
YEARS_PENALTY_CAP = 0.25


@dataclass(frozen=True)
class SkillGap:
    domain: str
    level: int
    required: int


@dataclass(frozen=True)
class RoleFit:
    role: Role
    fit: float
    gaps: list[SkillGap]
    notes: list[str]
    overqualified: bool = False


@dataclass(frozen=True)
class CertStep:
    certification: Certification
    why: str
    note: str | None
    required: tuple[str, ...] = ()
    recommended: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # recommended prerequisites your level already covers
    held: tuple[str, ...] = ()  # prerequisites (required or recommended) you already hold


@dataclass(frozen=True)
class CareerPath:
    target: Role
    skills: list[SkillGap]
    certifications: list[CertStep]


@dataclass(frozen=True)
class RouteStep:
    """One role on a route: what to raise, which certifications in order, time and cost."""

    role: Role
    fit: float
    skills: list[SkillGap]
    certifications: list[CertStep]
    have_skills: list[SkillGap]  # requirements already met (level >= required)
    have_certifications: list[str]  # names of the role's certifications already held
    months: float
    cost_usd: float
    notes: list[str]


RouteKind = Literal["broaden", "deepen", "goal"]


@dataclass(frozen=True)
class Route:
    kind: RouteKind
    title: str
    steps: list[RouteStep]
    note: str | None = None

    @property
    def months(self) -> float:
        return sum(s.months for s in self.steps)

    @property
    def cost_usd(self) -> float:
        return sum(s.cost_usd for s in self.steps)


def role_fit(role: Role, profile: Profile, position: float, years: float) -> RoleFit:
    """1 - (missing levels / required levels) - breadth, spectrum and years penalties, in 0..1."""
    gaps = [
        SkillGap(d, profile.levels.get(d, 0), req)
        for d, req in role.requires.items()
        if profile.levels.get(d, 0) < req
    ]
    required = sum(role.requires.values())
    fit = 1 - sum(g.required - g.level for g in gaps) / required if required else 1.0
    notes = []
    if profile.breadth < role.breadth:
        fit -= BREADTH_PENALTY * (role.breadth - profile.breadth)
        notes.append(f"needs {role.breadth} domains at working level, you have {profile.breadth}")
    low, high = role.spectrum
    if not low <= position <= high:
        fit -= min(abs(position - low), abs(position - high))
        side = "broader" if position < low else "deeper"
        notes.append(f"you are {side} than the role usually is")
    if years < role.min_years:
        fit -= min(YEARS_PENALTY_CAP, YEARS_PENALTY * (role.min_years - years))
        notes.append(f"usually asks for {role.min_years:g} years in IT")
    return RoleFit(role, min(1.0, max(0.0, fit)), gaps, notes)


def rank_roles(
    data: AssessmentData, profile: Profile, position: float, years: float, seniority: int = 0
) -> list[RoleFit]:
    """Every role's fit, best first; ties go to the more senior role, then catalogue order.

    A role below the person's seniority that they already fit is marked over-qualified: it is
    listed (it explains the past) but never offered as a step.
    """
    threshold = data.questionnaire.scoring.fit_threshold
    fits = []
    for role in data.roles:
        fit = role_fit(role, profile, position, years)
        if role.seniority < seniority and fit.fit >= threshold:
            fit = RoleFit(role, fit.fit, fit.gaps, [*fit.notes, "over-qualified"], True)
        fits.append(fit)
    return sorted(fits, key=lambda f: (-f.fit, -f.role.seniority, data.roles.index(f.role)))


def person_seniority(
    answers: Answers, data: AssessmentData, profile: Profile, current: Role | None
) -> tuple[int, str]:
    """Seniority 1..5 and why: the current role's, lifted by years and depth (at most two rungs
    above the title: a title is not nothing), or the estimate when no role is named."""
    table = data.seniority
    by_years = max(i + 1 for i, y in enumerate(table.years) if answers.years_in_it >= y)
    by_depth = max(1, min(5, profile.depth))
    estimate = min(by_years, by_depth)
    basis = (
        f"{answers.years_in_it:g} years in IT suggest {by_years}, your strongest domain at level "
        f"{profile.depth} suggests {by_depth}"
    )
    if current is None:
        return estimate, f"estimated {estimate} ({table.label(estimate)}): {basis}"
    level = max(current.seniority, min(estimate, current.seniority + 2))
    why = f"{current.name} is seniority {current.seniority}; {basis}"
    if level > current.seniority:
        why += f", so you are placed at {level} ({table.label(level)})"
    return level, why


def certification_order(
    wanted: list[str],
    held: set[str],
    data: AssessmentData,
    skip: Callable[[Certification], bool] | None = None,
) -> list[Certification]:
    """Wanted certifications plus their prerequisites, minus the held ones, prerequisites first.

    ``skip`` may drop a recommended (never a required) prerequisite. Kahn's topological sort;
    among those ready, the lower level first, then catalogue order, so the path climbs
    foundation -> associate -> professional where the graph allows.
    """
    certs = data.certifications
    order = list(certs)
    needed: set[str] = set()
    stack = [c for c in wanted if c not in held]
    while stack:
        cid = stack.pop()
        if cid in needed or cid in held:
            continue
        needed.add(cid)
        stack.extend(certs[cid].required)
        stack.extend(r for r in certs[cid].recommended if skip is None or not skip(certs[r]))
    waiting = {cid: {p for p in certs[cid].prerequisites if p in needed} for cid in needed}
    ready = [(certs[c].level, order.index(c), c) for c, pre in waiting.items() if not pre]
    heapq.heapify(ready)
    out: list[Certification] = []
    while ready:
        _, _, cid = heapq.heappop(ready)
        out.append(certs[cid])
        for other, pre in waiting.items():
            if cid in pre:
                pre.discard(cid)
                if not pre:
                    heapq.heappush(ready, (certs[other].level, order.index(other), other))
    return out


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
