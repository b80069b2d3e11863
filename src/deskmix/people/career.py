"""Which roles fit a profile, and the path of skills and certifications towards one.

Role fit is a shortfall measure, not a similarity score, because a person over-qualified in a
domain still fits the role: only what is missing counts against it.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

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


@dataclass(frozen=True)
class CertStep:
    certification: Certification
    why: str
    note: str | None


@dataclass(frozen=True)
class CareerPath:
    target: Role
    skills: list[SkillGap]
    certifications: list[CertStep]


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
    data: AssessmentData, profile: Profile, position: float, years: float
) -> list[RoleFit]:
    fits = [role_fit(r, profile, position, years) for r in data.roles]
    return sorted(fits, key=lambda f: (-f.fit, data.roles.index(f.role)))


def choose_target(fits: list[RoleFit], held: set[str], current: str | None) -> RoleFit:
    """The best-fitting role that still has something to learn, other than the current one."""
    for fit in fits:
        open_certs = set(fit.role.certifications) - held
        if fit.role.id != current and (fit.gaps or open_certs):
            return fit
    return fits[0]


def certification_order(
    wanted: list[str], held: set[str], data: AssessmentData
) -> list[Certification]:
    """Wanted certifications plus their prerequisites, minus the held ones, prerequisites first.

    Kahn's topological sort; among those ready, the lower level first, then catalogue order, so
    the path climbs foundation -> associate -> professional where the graph allows.
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
        stack.extend(certs[cid].prerequisites)
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


def plan_path(target: RoleFit, answers: Answers, data: AssessmentData) -> CareerPath:
    held = set(answers.certifications)
    steps = []
    for cert in certification_order(target.role.certifications, held, data):
        why = (
            f"recommended for {target.role.name}"
            if cert.id in target.role.certifications
            else "prerequisite of a later step"
        )
        note = (
            f"asks for {cert.min_years:g} years of experience (you have {answers.years_in_it:g})"
            if cert.min_years > answers.years_in_it
            else None
        )
        steps.append(CertStep(cert, why, note))
    return CareerPath(target.role, list(target.gaps), steps)
