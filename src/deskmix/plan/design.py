"""A design as the search sees it (integer counts and bought offers) and the Team it stands for."""

from __future__ import annotations

from dataclasses import dataclass, field

from deskmix.domain.team import Agent, AgentKind, MspContract, Team
from deskmix.plan.inputs import CostTable

GENERALIST_LEVEL = 2  # the reference level for generalist-tier work: calibrated speed
SPECIALIST_LEVEL = 3  # the reference level for specialist-tier work


@dataclass(frozen=True)
class Design:
    """How many generalists, how many specialists per domain, which MSP offers are bought."""

    generalists: int
    specialists: tuple[tuple[str, int], ...] = ()
    msp: tuple[str, ...] = ()
    _counts: dict[str, int] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        self._counts.update(self.specialists)

    @classmethod
    def of(cls, generalists: int, specialists: dict[str, int], msp: tuple[str, ...] = ()) -> Design:
        return cls(generalists, tuple(sorted(specialists.items())), tuple(sorted(msp)))

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

    def label(self) -> str:
        parts = [f"{self.generalists} generalists"]
        parts += [f"{n} {d}" for d, n in self.specialists if n]
        if self.msp:
            parts.append("MSP: " + ", ".join(self.msp))
        return ", ".join(parts)


def to_team(
    design: Design,
    costs: CostTable,
    domains: list[str],
    offers: list[MspContract],
    name: str = "recommended design",
) -> Team:
    """New hires on the constraints' shifts; generalists at level 2 everywhere, specialists at 3."""
    shifts = list(costs.constraints.shifts)
    agents = [
        Agent(
            name=f"Generalist {i + 1}",
            kind=AgentKind.GENERALIST,
            skills=dict.fromkeys(domains, GENERALIST_LEVEL),
            cost_per_hour=costs.generalist,
            shifts=shifts,
        )
        for i in range(design.generalists)
    ]
    for domain, count in design.specialists:
        agents += [
            Agent(
                name=f"{domain} specialist {i + 1}",
                kind=AgentKind.SPECIALIST,
                skills={domain: SPECIALIST_LEVEL},
                cost_per_hour=costs.specialist_cost(domain),
                shifts=shifts,
            )
            for i in range(count)
        ]
    bought = [o for o in offers if o.name in design.msp]
    return Team(name=name, agents=agents, msp=bought)
