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
PEAK_FULL = 2  # a stem two levels above everything outside it is a full peak


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
    stem_label: str = ""  # the top domain's name, or the cluster's label
    peak_gap: int = 0  # levels the stem stands above the best domain outside it
    stem_depth: int = 0  # the depth the depth component reads (a cluster counts one more)

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
    second_level = others[second] if second else 0
    # The stem: the top domain alone (gap to the next best), or a cluster of related domains
    # (its second-best level against the best outside it) when that stands out further. Both
    # gaps move by at most one when one level moves by one, so the peak is continuous.
    stem: tuple[str, ...] = (top,)
    label, gap = top, levels[top] - second_level
    for cluster in data.questionnaire.scoring.clusters:
        inside = sorted((levels[d] for d in cluster.domains), reverse=True)
        outside = max((lvl for d, lvl in levels.items() if d not in cluster.domains), default=0)
        cluster_gap = inside[1] - outside
        if cluster_gap > gap and inside[1] > working:
            members = sorted(cluster.domains, key=lambda d: -levels[d])
            stem = tuple(d for d in members if levels[d] > outside)
            label, gap = cluster.label, cluster_gap
    if len(stem) > 1 and top not in stem:
        top = stem[0]
    # two related domains at one level are as deep as one domain a level higher (network 4
    # and security 4 read as depth 5); a max of terms that move by one per level, so a
    # one-level change still moves it by at most one
    stem_depth = max(
        [levels[top]]
        + [
            min(5, sorted((levels[d] for d in c.domains), reverse=True)[1] + 1)
            for c in data.questionnaire.scoring.clusters
        ]
    )
    return Profile(
        levels=levels,
        working_level=working,
        breadth=sum(lvl >= working for lvl in levels.values()),
        depth=levels[top],
        top_domain=top,
        second_domain=second,
        second_level=second_level,
        stem=stem,
        stem_label=label,
        peak_gap=max(gap, 0),
        stem_depth=stem_depth,
    )


def _clip(x: float) -> float:
    return min(1.0, max(0.0, x))


def _depth(p: Profile) -> tuple[float, str]:
    value = _clip((max(p.depth, p.stem_depth) - p.working_level) / (5 - p.working_level))
    cluster = (
        f" (with its cluster, {p.stem_label}, the depth of level {p.stem_depth})"
        if p.stem_depth > p.depth
        else ""
    )
    return value, (
        f"Depth: your strongest domain, {p.top_domain}, is at level {p.depth} "
        f"({p.depth - p.working_level:+d} against the working level {p.working_level}){cluster}; "
        f"breadth: {p.breadth} of {p.domains} domains at level {p.working_level} or above."
    )


def _peak(p: Profile) -> tuple[float, str]:
    gap = p.peak_gap
    value = _clip(gap / PEAK_FULL)
    if len(p.stem) > 1:
        text = (
            f"Your depth is a cluster: {p.stem_label} ({', '.join(p.stem)}) stands {gap} "
            f"level{'s' if gap != 1 else ''} above anything outside it, one specialism, "
            "not range."
        )
    elif gap <= 0:
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


def _backed(p: Profile, domain: str | None) -> float:
    """How deep you are in a domain, 0..1 ((level - W) / (5 - W)): certificates and projects
    count towards depth as far as your level in their domain backs them. Continuous in the
    levels, so a one-level change moves the position by a bounded step."""
    if domain is None:
        return 0.0
    return _clip((p.levels.get(domain, 0) - p.working_level) / (5 - p.working_level))


def _certifications(answers: Answers, data: AssessmentData, p: Profile) -> tuple[float, str]:
    held = [data.certifications[c] for c in answers.certifications]
    if not held:
        return NEUTRAL, "No certifications held, so they do not move the verdict."
    value = sum(_backed(p, c.domain) for c in held if c.level >= 2) / len(held)
    deep = [c for c in held if c.level >= 2 and _backed(p, c.domain) > 0]
    text = (
        f"{len(deep)} of {len(held)} certifications are associate level or above in a domain "
        "you are deep in"
    )
    return value, text + (f" ({', '.join(c.name for c in deep)})." if deep else ".")


def _projects(answers: Answers, p: Profile) -> tuple[float, str]:
    if not answers.projects:
        return NEUTRAL, "No projects listed, so they do not move the verdict."
    value = sum(_backed(p, pr.domain) for pr in answers.projects) / len(answers.projects)
    inside = sum(pr.domain in p.stem for pr in answers.projects)
    return value, f"{inside} of {len(answers.projects)} projects were in {p.stem_label}."


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


LEVEL_SENSITIVE = ("depth", "peak", "certifications", "projects")


def max_step(data: AssessmentData) -> float:
    """The most one level in one domain can move the position: each level-sensitive component
    moves by at most 1 / (5 - W) per level (depth and the gaps are max/min of levels; the
    certificate and project shares are weighted by (level - W) / (5 - W)), so the bound is
    their weight share over (5 - W)."""
    weights = data.questionnaire.scoring.weights
    total = sum(weights.values())
    per_level = {
        "depth": 1 / (5 - data.questionnaire.working_level),
        "peak": 1 / PEAK_FULL,
        "certifications": 1 / (5 - data.questionnaire.working_level),
        "projects": 1 / (5 - data.questionnaire.working_level),
    }
    return sum(weights[c] * per_level[c] for c in LEVEL_SENSITIVE) / total


@dataclass(frozen=True)
class Margin:
    """How close the position sits to its band's edges, and which one-level changes cross."""

    edge: float  # the nearest band edge
    distance: float  # |position - edge|
    flips: list[tuple[str, int, str]]  # (domain, +1/-1, the band it would move to)

    @property
    def on_boundary(self) -> bool:
        return bool(self.flips)


def margin(answers: Answers, data: AssessmentData, position: Position) -> Margin:
    """The nearest edge and every one-level change (any domain, up or down) that changes band."""
    bands = data.questionnaire.scoring.bands
    edges = [b.upto for b in bands[:-1]]
    edge = min(edges, key=lambda e: abs(e - position.value)) if edges else 1.0
    flips = []
    for domain in data.taxonomy.names:
        for delta in (1, -1):
            level = answers.level(domain) + delta
            if not 0 <= level <= 5:
                continue
            changed = answers.model_copy(
                update={"experience": {**answers.experience, domain: level}}
            )
            other = place_on_spectrum(changed, data, build_profile(changed, data))
            if other.band != position.band:
                flips.append((domain, delta, other.label))
    return Margin(edge, abs(position.value - edge), flips)
