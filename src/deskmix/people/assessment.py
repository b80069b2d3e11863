"""The whole self-assessment: profile, spectrum position and verdict, fitting roles, path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deskmix.people.answers import Answers
from deskmix.people.career import (
    CareerPath,
    RoleFit,
    Route,
    RouteStep,
    person_seniority,
    rank_roles,
)
from deskmix.people.career_routes import build_routes, path_of
from deskmix.people.catalogue import AssessmentData, Role
from deskmix.people.scoring import (
    Margin,
    Position,
    Profile,
    build_profile,
    margin,
    place_on_spectrum,
)

SPECIALIST_BAND = "specialist"


@dataclass(frozen=True)
class Assessment:
    answers: Answers
    profile: Profile
    position: Position
    verdict: str
    verdict_reason: str
    fits: list[RoleFit]
    fitting: list[RoleFit]
    path: CareerPath
    seniority: int
    seniority_reason: str
    goal: Role | None
    routes: list[Route]
    margin: Margin
    recommended: str  # the kind of route suggested first: goal | broaden | deepen

    @property
    def reasons(self) -> list[str]:
        """The verdict, the T-shape, then the other components, strongest pull first."""
        first, *rest = self.position.components
        ordered = sorted(rest, key=lambda c: -abs(c.value - 0.5) * c.weight)
        return [self.verdict_reason, self.margin_text, first.reason, *(c.reason for c in ordered)]

    @property
    def margin_text(self) -> str:
        m = self.margin
        side = "above" if self.position.value >= m.edge else "below"
        text = f"The position is {m.distance:.2f} {side} the band edge {m.edge:.2f}"
        if not m.flips:
            return text + "; no one-level change in any domain moves the verdict."
        changes = "; ".join(
            f"one level {'more' if d > 0 else 'less'} in {dom} would make it {band}"
            for dom, d, band in m.flips[:3]
        )
        return text + f": it sits on that boundary ({changes})."

    def to_dict(self) -> dict[str, Any]:
        """Plain data for --json and for anything that stores an assessment."""
        p = self.profile
        return {
            "name": self.answers.name,
            "verdict": self.verdict,
            "position": round(self.position.value, 4),
            "band": self.position.band,
            "margin": {
                "edge": self.margin.edge,
                "distance": round(self.margin.distance, 4),
                "on_boundary": self.margin.on_boundary,
                "flips": [
                    {"domain": d, "change": c, "verdict": v} for d, c, v in self.margin.flips
                ],
            },
            "stem": list(self.profile.stem),
            "reasons": self.reasons,
            "components": {
                c.name: {"value": round(c.value, 4), "weight": c.weight}
                for c in self.position.components
            },
            "profile": {
                "levels": p.levels,
                "breadth": p.breadth,
                "depth": p.depth,
                "top_domain": p.top_domain,
                "second_domain": p.second_domain,
                "working_level": p.working_level,
            },
            "roles": [
                {
                    "id": f.role.id,
                    "name": f.role.name,
                    "fit": round(f.fit, 4),
                    "fits": f in self.fitting,
                    "overqualified": f.overqualified,
                    "family": f.role.family,
                    "seniority": f.role.seniority,
                    "gaps": {g.domain: {"level": g.level, "required": g.required} for g in f.gaps},
                    "notes": f.notes,
                }
                for f in self.fits
            ],
            "seniority": self.seniority,
            "seniority_reason": self.seniority_reason,
            "goal": self.goal.id if self.goal else None,
            "recommended": self.recommended,
            "routes": [_route_dict(r) for r in self.routes],
            "path": {
                "target": self.path.target.id,
                "skills": [
                    {"domain": g.domain, "from": g.level, "to": g.required}
                    for g in self.path.skills
                ],
                "certifications": [
                    {
                        "id": s.certification.id,
                        "name": s.certification.name,
                        "level": s.certification.level,
                        "domain": s.certification.domain,
                        "prerequisites": s.certification.prerequisites,
                        "required": list(s.required),
                        "recommended": list(s.recommended),
                        "why": s.why,
                        "note": s.note,
                    }
                    for s in self.path.certifications
                ],
            },
        }


def _cert_dict(step: RouteStep) -> list[dict[str, Any]]:
    return [
        {
            "id": c.certification.id,
            "name": c.certification.name,
            "level": c.certification.level,
            "required": list(c.required),
            "recommended": list(c.recommended),
            "skipped_recommended": list(c.skipped),
            "held_prerequisites": list(c.held),
            "exam_usd": c.certification.exam_usd,
            "prep_weeks": c.certification.prep_weeks,
            "why": c.why,
            "note": c.note,
        }
        for c in step.certifications
    ]


def _route_dict(route: Route) -> dict[str, Any]:
    return {
        "kind": route.kind,
        "title": route.title,
        "note": route.note,
        "months": route.months,
        "cost_usd": route.cost_usd,
        "steps": [
            {
                "role": s.role.id,
                "name": s.role.name,
                "family": s.role.family,
                "seniority": s.role.seniority,
                "sfia": s.role.sfia,
                "nice": s.role.nice,
                "fit": round(s.fit, 4),
                "skills": [
                    {"domain": g.domain, "from": g.level, "to": g.required} for g in s.skills
                ],
                "certifications": _cert_dict(s),
                "have": {
                    "skills": {g.domain: g.level for g in s.have_skills},
                    "certifications": s.have_certifications,
                },
                "months": s.months,
                "cost_usd": s.cost_usd,
                "notes": s.notes,
            }
            for s in route.steps
        ],
    }


def _verdict(
    answers: Answers, data: AssessmentData, position: Position, profile: Profile
) -> tuple[str, str]:
    """The band's label; the specialist band says whether the current role hides the depth."""
    role = next((r for r in data.roles if r.id == answers.current_role), None)
    title = answers.title or (role.name if role else None)
    if position.band != SPECIALIST_BAND:
        reason = (
            f"Your position on the spectrum is {position.value:.2f} "
            "(0 = IT support pro, 1 = specialist)."
        )
        return position.label, reason
    domain = profile.stem_label or profile.top_domain
    if role is not None and role.tier == "generalist":
        return (
            f"Hidden specialist ({domain})",
            f"Your current role, {title}, is first-line generalist work, yet your profile is a "
            f"{domain} specialist's (position {position.value:.2f}): your depth is hidden by "
            "your title.",
        )
    if role is not None:
        return (
            f"Recognised specialist ({domain})",
            f"Your role, {title}, is specialist work and your profile matches it "
            f"(position {position.value:.2f}).",
        )
    return (
        f"Specialist ({domain})",
        f"Your profile is a {domain} specialist's (position {position.value:.2f}); name your "
        "current role to learn whether that depth is hidden.",
    )


def domain_order(answers: Answers, data: AssessmentData, profile: Profile) -> list[str]:
    """The person's domains strongest first: the top domain (and its cluster), then by level."""
    names = data.taxonomy.names
    stem = [profile.top_domain, *[d for d in profile.stem if d != profile.top_domain]]
    rest = sorted(
        (d for d in names if d not in stem), key=lambda d: (-profile.levels[d], names.index(d))
    )
    return [*stem, *rest]


def assess(answers: Answers, data: AssessmentData, goal: str | None = None) -> Assessment:
    """The whole assessment; ``goal`` (a role id or job title) overrides the answers' goal."""
    from deskmix.people.titles import match_role

    profile = build_profile(answers, data)
    position = place_on_spectrum(answers, data, profile)
    verdict, why = _verdict(answers, data, position, profile)
    current = next((r for r in data.roles if r.id == answers.current_role), None)
    seniority, seniority_reason = person_seniority(answers, data, profile, current)
    fits = rank_roles(data, profile, position.value, answers.years_in_it, seniority)
    threshold = data.questionnaire.scoring.fit_threshold
    fitting = [f for f in fits if f.fit >= threshold and not f.overqualified]
    wanted = goal if goal is not None else answers.goal
    goal_role = match_role(wanted, data, "goal") if wanted else None
    routes = build_routes(
        answers, data, profile, fits, seniority, domain_order(answers, data, profile), goal_role
    )
    by_kind: dict[str, Route] = {r.kind: r for r in routes}
    if goal_role is not None and by_kind["goal"].steps:
        recommended = "goal"
    elif position.band == SPECIALIST_BAND:
        recommended = "deepen"
    elif position.band == data.questionnaire.scoring.bands[0].id:
        recommended = "broaden"
    else:  # in between: the route whose first step fits better
        firsts = {k: r.steps[0].fit for k, r in by_kind.items() if r.steps and k != "goal"}
        recommended = max(firsts, key=lambda k: (firsts[k], k == "deepen"), default="broaden")
    if not by_kind[recommended].steps:
        recommended = next((r.kind for r in routes if r.steps), recommended)
    path = path_of(by_kind[recommended])
    if path is None:
        top = current or fits[0].role
        path = CareerPath(top, [], [])
    return Assessment(
        answers=answers,
        profile=profile,
        position=position,
        verdict=verdict,
        verdict_reason=why,
        fits=fits,
        fitting=fitting,
        path=path,
        seniority=seniority,
        seniority_reason=seniority_reason,
        goal=goal_role,
        routes=routes,
        margin=margin(answers, data, position),
        recommended=recommended,
    )
