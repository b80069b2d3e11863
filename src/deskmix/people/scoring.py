"""From answers to a T-shaped profile and a position on the spectrum "IT support pro .. specialist".

Every component is a number from 0 (broad first-line work) to 1 (depth in one domain), so the
position is an explainable weighted mean: each reason shown to the person is one component.
The formulas are in docs/people.md; the weights and band edges live in questionnaire.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskmix.people.answers import Answers
from deskmix.people.catalogue import COMPONENTS, AssessmentData

NEUTRAL = 0.5  # a component the answers say nothing about pulls neither way


@dataclass(frozen=True)
class Profile:
    """The T: the bar is breadth (domains at the working level), the stem is depth (top level)."""

    levels: dict[str, int]
    working_level: int
    breadth: int
    depth: int
    top_domain: str
    second_domain: str | None
    second_level: int
    stem: tuple[str, ...] = ()  # the deep domain(s): the top one, or its cluster

    @property
    def domains(self) -> int:
        return len(self.levels)


@dataclass(frozen=True)
class Component:
    name: str
    value: float
    weight: float
    reason: str


@dataclass(frozen=True)
class Position:
    value: float
    band: str
    label: str
    components: list[Component]


def _top_domain(answers: Answers, data: AssessmentData, levels: dict[str, int]) -> str:
    """Highest level; ties go to where colleagues, certificates and projects point."""
    best = max(levels.values())
    tied = [d for d, lvl in levels.items() if lvl == best]
    certs = [data.certifications[c].domain for c in answers.certifications]
    projects = [p.domain for p in answers.projects]

    def evidence(domain: str) -> tuple[int, int, int]:
        return (
            int(answers.feedback.go_to_domain == domain),
            certs.count(domain),
            projects.count(domain),
        )

    return max(tied, key=lambda d: (evidence(d), -data.taxonomy.names.index(d)))


def build_profile(answers: Answers, data: AssessmentData) -> Profile:
    levels = {d: answers.level(d) for d in data.taxonomy.names}
    working = data.questionnaire.working_level
    top = _top_domain(answers, data, levels)
    others = {d: lvl for d, lvl in levels.items() if d != top}
    second = max(others, key=lambda d: (others[d], -data.taxonomy.names.index(d)), default=None)
    return Profile(
        levels=levels,
        working_level=working,
        breadth=sum(lvl >= working for lvl in levels.values()),
        depth=levels[top],
        top_domain=top,
        second_domain=second,
        second_level=others[second] if second else 0,
        stem=(top,),
    )


def _clip(x: float) -> float:
    return min(1.0, max(0.0, x))


def _depth(p: Profile) -> tuple[float, str]:
    value = _clip((p.depth - p.working_level) / (5 - p.working_level))
    return value, (
        f"Depth: your strongest domain, {p.top_domain}, is at level {p.depth} "
        f"({p.depth - p.working_level:+d} against the working level {p.working_level}); "
        f"breadth: {p.breadth} of {p.domains} domains at level {p.working_level} or above."
    )


def _peak(p: Profile) -> tuple[float, str]:
    gap = p.depth - p.second_level
    value = _clip(gap / 3)
    if gap <= 0:
        text = (
            f"No single peak: {p.top_domain} and {p.second_domain} are level at {p.depth}, "
            "so your strength is range."
        )
    else:
        text = (
            f"{p.top_domain} stands {gap} level{'s' if gap > 1 else ''} above your next best "
            f"domain ({p.second_domain}, {p.second_level})."
        )
    return value, text


def _tasks(answers: Answers, data: AssessmentData) -> tuple[float, str]:
    tasks = [data.questionnaire.task(t) for t in answers.enjoyed_tasks]
    if not tasks:
        return NEUTRAL, "You picked no enjoyed tasks, so they do not move the verdict."
    weight = {"broad": 0.0, "lead": 0.5, "deep": 1.0}
    value = sum(weight[t.lean] for t in tasks) / len(tasks)
    deep = [t for t in tasks if t.lean == "deep"]
    broad = [t for t in tasks if t.lean == "broad"]
    domains = sorted({t.domain for t in deep if t.domain})
    text = f"{len(deep)} of {len(tasks)} tasks you enjoy are deep work in one domain"
    text += f" ({', '.join(domains)})" if domains else ""
    text += f"; {len(broad)} are broad first-line work (variety, people, quick fixes)."
    return value, text


def _feedback(answers: Answers) -> tuple[float, str]:
    fb = answers.feedback
    given = [(name, v) for name, v in (("peers", fb.peers), ("supervisor", fb.supervisor)) if v]
    if not given:
        return NEUTRAL, "No peer or supervisor feedback given, so it does not move the verdict."
    value = sum((v - 1) / 4 for _, v in given) / len(given)
    said = "; ".join(f"{name} {v}/5" for name, v in given)
    lean = "one kind of problem" if value > 0.5 else "anything" if value < 0.5 else "a mix"
    text = f"Feedback ({said}, 5 = 'one kind of problem'): others come to you for {lean}"
    if fb.go_to_domain:
        text += f", most of all for {fb.go_to_domain}"
    return value, text + "."


def _certifications(answers: Answers, data: AssessmentData, p: Profile) -> tuple[float, str]:
    held = [data.certifications[c] for c in answers.certifications]
    if not held:
        return NEUTRAL, "No certifications held, so they do not move the verdict."
    deep = [c for c in held if c.level >= 2 and c.domain == p.top_domain]
    value = len(deep) / len(held)
    text = (
        f"{len(deep)} of {len(held)} certifications are associate level or above in {p.top_domain}"
    )
    return value, text + (f" ({', '.join(c.name for c in deep)})." if deep else ".")


def _projects(answers: Answers, p: Profile) -> tuple[float, str]:
    if not answers.projects:
        return NEUTRAL, "No projects listed, so they do not move the verdict."
    inside = sum(pr.domain == p.top_domain for pr in answers.projects)
    value = inside / len(answers.projects)
    return value, f"{inside} of {len(answers.projects)} projects were in {p.top_domain}."


def place_on_spectrum(answers: Answers, data: AssessmentData, profile: Profile) -> Position:
    """Weighted mean of the components; the band comes from questionnaire.yaml's edges."""
    scoring = data.questionnaire.scoring
    parts = {
        "depth": _depth(profile),
        "peak": _peak(profile),
        "tasks": _tasks(answers, data),
        "feedback": _feedback(answers),
        "certifications": _certifications(answers, data, profile),
        "projects": _projects(answers, profile),
    }
    components = [
        Component(name, parts[name][0], scoring.weights[name], parts[name][1])
        for name in COMPONENTS
    ]
    total = sum(c.weight for c in components)
    value = sum(c.value * c.weight for c in components) / total
    band = next((b for b in scoring.bands if value < b.upto), scoring.bands[-1])
    return Position(value=value, band=band.id, label=band.label, components=components)
