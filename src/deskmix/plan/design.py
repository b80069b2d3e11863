"""A design as the search sees it (integer counts and bought offers) and the Team it stands for.

A specialist pool is a domain (``network``) or a cross-trained pair (``data_db+network``): people
at level 3 in both, who take from both domains' specialist queues. Counts are new hires only;
existing staff who stay are added to every design's team unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from deskmix.domain.team import Agent, AgentKind, AgentSource, MspContract, Team
from deskmix.plan.inputs import CostTable, pool_domains
from deskmix.sim.absences import expected_shrinkage
from deskmix.sim.model import SimSettings

GENERALIST_LEVEL = 2  # the reference level for generalist-tier work: calibrated speed
SPECIALIST_LEVEL = 3  # the reference level for specialist-tier work


@dataclass(frozen=True)
class Design:
    """How many generalists, how many specialists per pool, which MSP offers are bought."""

    generalists: int
    specialists: tuple[tuple[str, int], ...] = ()
    msp: tuple[str, ...] = ()
    _counts: dict[str, int] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        self._counts.update(self.specialists)

    @classmethod
    def of(cls, generalists: int, specialists: dict[str, int], msp: tuple[str, ...] = ()) -> Design:
        """Zero counts are left out, so equal teams are equal designs (one memo entry)."""
        pools = tuple(sorted((p, n) for p, n in specialists.items() if n))
        return cls(generalists, pools, tuple(sorted(msp)))

    def count(self, pool: str) -> int:
        return self.generalists if pool == "generalists" else self._counts.get(pool, 0)

    def pools(self) -> list[str]:
        return ["generalists", *(d for d, _ in self.specialists)]

    def changed(self, pool: str, delta: int) -> Design:
        if pool == "generalists":
            return Design(self.generalists + delta, self.specialists, self.msp)
        counts = dict(self.specialists)
        counts[pool] = counts.get(pool, 0) + delta
        return Design.of(self.generalists, counts, self.msp)

    @property
    def headcount(self) -> int:
        return self.generalists + sum(n for _, n in self.specialists)

    def covering(self, domain: str) -> int:
        """New specialists able to take the domain's specialist work (pairs count in both)."""
        return sum(n for pool, n in self.specialists if domain in pool_domains(pool))

    def pairs(self) -> list[str]:
        return [pool for pool, n in self.specialists if n and len(pool_domains(pool)) > 1]

    def label(self) -> str:
        parts = [f"{self.generalists} generalists"]
        parts += [f"{n} {d}" for d, n in self.specialists if n]
        if self.msp:
            parts.append("MSP: " + ", ".join(self.msp))
        return ", ".join(parts)


def hire_prefix(pool: str, existing: bool) -> str:
    """Names of new hires start with this; with staff who stay, 'New ' keeps names apart."""
    base = "Generalist" if pool == "generalists" else f"{pool} specialist"
    return f"New {base}" if existing else base


def to_team(
    design: Design,
    costs: CostTable,
    domains: list[str],
    offers: list[MspContract],
    name: str = "recommended design",
    existing: Team | None = None,
) -> Team:
    """Existing staff, then new hires on the constraints' shifts: generalists at level 2
    everywhere, specialists at 3 in their domain (or both domains of a pair)."""
    shifts = list(costs.constraints.shifts)
    by_kind = costs.shrinkage
    general_shrinkage = by_kind.generalist if by_kind is not None else None
    special_shrinkage = by_kind.specialist if by_kind is not None else None
    staying = list(existing.agents) if existing is not None else []
    general = hire_prefix("generalists", existing is not None)
    agents = staying + [
        Agent(
            name=f"{general} {i + 1}",
            kind=AgentKind.GENERALIST,
            skills=dict.fromkeys(domains, GENERALIST_LEVEL),
            cost_per_hour=costs.generalist,
            shifts=shifts,
            shrinkage=general_shrinkage,
        )
        for i in range(design.generalists)
    ]
    for pool, count in design.specialists:
        prefix = hire_prefix(pool, existing is not None)
        agents += [
            Agent(
                name=f"{prefix} {i + 1}",
                kind=AgentKind.SPECIALIST,
                skills=dict.fromkeys(pool_domains(pool), SPECIALIST_LEVEL),
                cost_per_hour=costs.pool_cost(pool),
                shifts=shifts,
                shrinkage=special_shrinkage,
            )
            for i in range(count)
        ]
    bought = [o for o in offers if o.name in design.msp]
    return Team(name=name, agents=agents, msp=bought)


FULL_TIME_HOURS_PER_WEEK = 40.0
"""A full-time year is 52 weeks of 40 paid hours (2,080 hours): the FTE yardstick."""


def fte(team: Team, year: int | None = None) -> float:
    """In-house hours available for tickets a year (on-shift hours less each person's expected
    shrinkage) over a full-time year: people and FTE differ by shrinkage and shift length."""
    year = SimSettings().start_date.year if year is None else year
    total = 0.0
    for agent in team.agents:
        if agent.source == AgentSource.MSP:
            continue
        weekly = np.array(agent.on_duty(), dtype=bool)
        share = expected_shrinkage(agent.shrinkage, weekly, year)
        total += float(weekly.sum()) * (1 - share)
    return total / FULL_TIME_HOURS_PER_WEEK
