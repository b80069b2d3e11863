"""Which roles fit a profile, and the path of skills and certifications towards one.

Role fit is a shortfall measure, not a similarity score, because a person over-qualified in a
domain still fits the role: only what is missing counts against it. The routes themselves
(broaden, deepen, the goal; each a ladder of roles with its steps) are walked in
``career_routes.py``; the results of both are defined here.
"""

from __future__ import annotations

import heapq
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
