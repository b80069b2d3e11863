"""The skills matrix (people x areas), coverage, bus factor and single points of failure.

Definitions (docs/people.md):
- combined level = max(declared, evidence): tickets resolved show what a person can do, while
  an absence of tickets does not show what they cannot (routing may never send them any).
- an area is covered when at least ``min_people`` (k) people have level >= ``level`` (L).
- bus factor = the fewest people whose loss leaves the area uncovered = covering - k + 1
  (0 when already uncovered). With k = 1 it is simply the number of people covering the area.
- single point of failure: a person whose loss alone uncovers an area (bus factor 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

SPECIALIST_LEVEL = 3  # the simulator's bar for specialist-tier work (docs/formats.md)


@dataclass(frozen=True)
class CoverageRule:
    level: int = SPECIALIST_LEVEL
    min_people: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.level <= 5 or self.min_people < 1:
            raise ValueError("coverage needs a level 1..5 and at least one person")


@dataclass(frozen=True)
class SkillsMatrix:
    """Three people x areas tables of levels 0..5 (0 also where nothing is known)."""

    declared: pd.DataFrame
    evidence: pd.DataFrame
    combined: pd.DataFrame
    demand: pd.Series  # resolved tickets per area in the history (0 when declared only)

    @property
    def people(self) -> list[str]:
        return list(self.combined.index)

    @property
    def areas(self) -> list[str]:
        return list(self.combined.columns)


def build_matrix(
    declared: dict[str, dict[str, int]] | None,
    evidence: pd.DataFrame | None,
    areas: list[str] | None = None,
    demand: pd.Series | None = None,
) -> SkillsMatrix:
    """``evidence`` is an evidence table (person, area, level, resolved); either may be absent.

    ``areas`` fixes the columns and their order (e.g. the taxonomy), others found are appended.
    """
    demand_override = demand
    decl = pd.DataFrame(declared or {}).T.fillna(0)
    if evidence is not None and not evidence.empty:
        ev = evidence.pivot_table(index="person", columns="area", values="level", aggfunc="max")
        demand = evidence.groupby("area")["resolved"].sum()
    else:
        ev = pd.DataFrame()
        demand = pd.Series(dtype="int64")
    people = sorted(set(decl.index) | set(ev.index), key=str)
    found = list(dict.fromkeys([*map(str, decl.columns), *map(str, ev.columns)]))
    columns = list(dict.fromkeys([*(areas or []), *sorted(found)]))
    decl = decl.reindex(index=people, columns=columns).fillna(0).astype("int64")
    ev = ev.reindex(index=people, columns=columns).fillna(0).astype("int64")
    combined = decl.where(decl >= ev, ev)
    demand = demand_override if demand_override is not None else demand
    demand = demand.reindex(columns).fillna(0).astype("int64")
    return SkillsMatrix(decl, ev, combined, demand)


@dataclass(frozen=True)
class AreaCoverage:
    area: str
    covering: list[str]
    bus_factor: int
    covered: bool
    demand: int

    @property
    def single_point(self) -> bool:
        return self.bus_factor == 1


def coverage(matrix: SkillsMatrix, rule: CoverageRule) -> list[AreaCoverage]:
    """Per area, who covers it and its bus factor; the most fragile areas first."""
    out = []
    for area in matrix.areas:
        column = matrix.combined[area]
        covering = sorted(
            column[column >= rule.level].index, key=lambda p: (-int(column[p]), str(p))
        )
        count = len(covering)
        out.append(
            AreaCoverage(
                area=area,
                covering=[str(p) for p in covering],
                bus_factor=max(0, count - rule.min_people + 1),
                covered=count >= rule.min_people,
                demand=int(matrix.demand.get(area, 0)),
            )
        )
    return sorted(out, key=lambda c: (c.bus_factor, -c.demand, c.area))


def single_points_of_failure(areas: list[AreaCoverage]) -> dict[str, list[str]]:
    """Person -> the areas whose coverage they alone hold up (any one coverer's loss uncovers)."""
    out: dict[str, list[str]] = {}
    for a in areas:
        if a.single_point:
            for person in a.covering:
                out.setdefault(person, []).append(a.area)
    return dict(sorted(out.items(), key=lambda kv: (-len(kv[1]), kv[0])))
