"""The whole self-assessment: profile, spectrum position and verdict, fitting roles, path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deskmix.people.answers import Answers
from deskmix.people.career import CareerPath, RoleFit, choose_target, plan_path, rank_roles
from deskmix.people.catalogue import AssessmentData
from deskmix.people.scoring import Position, Profile, build_profile, place_on_spectrum

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

    @property
    def reasons(self) -> list[str]:
        """The verdict, the T-shape, then the other components, strongest pull first."""
        first, *rest = self.position.components
        ordered = sorted(rest, key=lambda c: -abs(c.value - 0.5) * c.weight)
        return [self.verdict_reason, first.reason, *(c.reason for c in ordered)]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for --json and for anything that stores an assessment."""
        p = self.profile
        return {
            "name": self.answers.name,
            "verdict": self.verdict,
            "position": round(self.position.value, 4),
            "band": self.position.band,
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
                    "gaps": {g.domain: {"level": g.level, "required": g.required} for g in f.gaps},
                    "notes": f.notes,
                }
                for f in self.fits
            ],
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
                        "why": s.why,
                        "note": s.note,
                    }
                    for s in self.path.certifications
                ],
            },
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
    domain = profile.top_domain
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


def assess(answers: Answers, data: AssessmentData, target_role: str | None = None) -> Assessment:
    profile = build_profile(answers, data)
    position = place_on_spectrum(answers, data, profile)
    verdict, why = _verdict(answers, data, position, profile)
    fits = rank_roles(data, profile, position.value, answers.years_in_it)
    threshold = data.questionnaire.scoring.fit_threshold
    fitting = [f for f in fits if f.fit >= threshold]
    if target_role is not None:
        target = next(f for f in fits if f.role.id == target_role)
    else:
        target = choose_target(fits, set(answers.certifications), answers.current_role)
    return Assessment(
        answers=answers,
        profile=profile,
        position=position,
        verdict=verdict,
        verdict_reason=why,
        fits=fits,
        fitting=fitting,
        path=plan_path(target, answers, data),
    )
