"""Cross-training suggestions that most raise coverage, and a team file with them applied.

Greedy, because each suggestion is one person learning one area and the objective is a sum of
per-area caps: sum over areas of min(people covering, k + 1). Raising an area below k + 1 adds
exactly one, so the best next step is the cheapest training (fewest levels to climb) in the most
fragile area (lowest bus factor, then most tickets). With equal steps and no per-person cap every
greedy step adds the most possible; with a cap or unequal steps it is the usual cost-ratio
heuristic, not a proven optimum. Ties go to the person covering the fewest areas, to spread load.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from deskmix.domain.team import AgentSource, Team
from deskmix.people.matrix import CoverageRule, SkillsMatrix

MAX_STEPS = 2  # levels a suggestion may ask someone to climb: within reach of a year's training


@dataclass(frozen=True)
class Suggestion:
    person: str
    area: str
    from_level: int
    to_level: int
    covering_before: int
    covering_after: int
    reason: str


def suggest_cross_training(
    matrix: SkillsMatrix,
    rule: CoverageRule,
    *,
    limit: int = 5,
    per_person: int = 1,
    eligible: set[str] | None = None,
) -> list[Suggestion]:
    """Up to ``limit`` suggestions, each one person raised to ``rule.level`` in one area."""
    areas = [str(a) for a in matrix.combined.columns]
    levels: dict[str, dict[str, int]] = {
        str(p): {str(a): int(v) for a, v in row.items()}
        for p, row in matrix.combined.to_dict("index").items()
    }
    demand = {str(a): int(v) for a, v in matrix.demand.items()}
    target = rule.min_people + 1
    people = [p for p in levels if eligible is None or p in eligible]
    covering = {a: sum(levels[p][a] >= rule.level for p in levels) for a in areas}
    load = {p: sum(v >= rule.level for v in levels[p].values()) for p in people}
    taken: dict[str, int] = {}
    chosen: list[Suggestion] = []
    while len(chosen) < limit:
        best: tuple[int, int, int, int, str, str] | None = None
        for area in areas:
            count = covering[area]
            if count >= target:
                continue
            for person in people:
                steps = rule.level - levels[person][area]
                if steps <= 0 or steps > MAX_STEPS or taken.get(person, 0) >= per_person:
                    continue
                key = (steps, count, -demand.get(area, 0), load[person], area, person)
                if best is None or key < best:
                    best = key
        if best is None:
            break
        steps, count, _, _, area, person = best
        before = levels[person][area]
        others = [p for p in levels if levels[p][area] >= rule.level]
        levels[person][area] = rule.level
        covering[area] += 1
        taken[person] = taken.get(person, 0) + 1
        load[person] += 1
        held_by = ", ".join(others) if others else "nobody"
        reason = (
            f"{area} is covered at level {rule.level}+ by {count} "
            f"({held_by}); {person} is {steps} level{'s' if steps > 1 else ''} away, so this "
            f"raises its bus factor from {max(0, count - rule.min_people + 1)} to "
            f"{max(0, count - rule.min_people + 2)}"
        )
        chosen.append(Suggestion(person, area, before, rule.level, count, count + 1, reason))
    return chosen


def in_house(team: Team) -> set[str]:
    """People a desk can train: its own staff, not MSP seats."""
    return {a.name for a in team.agents if a.source == AgentSource.IN_HOUSE}


def apply_suggestions(team: Team, suggestions: list[Suggestion]) -> Team:
    """The team with each suggested skill raised; people not in the team are ignored."""
    raised: dict[str, dict[str, int]] = {}
    for s in suggestions:
        raised.setdefault(s.person, {})[s.area] = s.to_level
    agents = [
        a.model_copy(update={"skills": {**a.skills, **raised.get(a.name, {})}}) for a in team.agents
    ]
    return Team.model_validate(
        {**team.model_dump(mode="json"), "agents": [a.model_dump(mode="json") for a in agents]}
    )


def write_team(team: Team, path: Path, suggestions: list[Suggestion]) -> Path:
    """A team YAML that ``deskmix simulate --team`` and ``deskmix plan --compare`` read."""
    header = "# Written by deskmix skills: the team with these cross-training steps applied:\n"
    header += "".join(
        f"#   {s.person}: {s.area} {s.from_level} -> {s.to_level}\n" for s in suggestions
    )
    body = yaml.safe_dump(team.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + body, encoding="utf-8")
    return path
