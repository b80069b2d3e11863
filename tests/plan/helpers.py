"""Small planning problems: a pooled first line plus one specialist domain, on all-week shifts."""

from __future__ import annotations

from deskmix.domain import ArrivalStream, Priority, Tier, Workload
from deskmix.domain.sla import SlaPolicy, SlaTarget
from deskmix.domain.team import Agent, AgentKind, MspContract, MspPricing, Shift, Team
from deskmix.domain.workload import DAYS
from deskmix.plan.inputs import Constraints, CostTable
from tests.sim.helpers import handling

ALL_WEEK = [Shift(days=list(DAYS), start="00:00", end="24:00")]


def two_pool_workload(scale: float = 1.0) -> Workload:
    """End-user work the first line resolves, network work that needs a specialist."""
    return Workload(
        name="two pools",
        arrivals=[
            ArrivalStream(
                domain="end_user",
                tier=Tier.GENERALIST,
                priority=Priority.P3,
                tickets_per_week=300 * scale,
                observed=1,
            ),
            ArrivalStream(
                domain="network",
                tier=Tier.SPECIALIST,
                priority=Priority.P2,
                tickets_per_week=60 * scale,
                observed=1,
            ),
        ],
        handling=[
            handling("end_user", Tier.GENERALIST, 0.3),
            handling("network", Tier.GENERALIST, 0.3),
            handling("network", Tier.SPECIALIST, 2.0),
        ],
    )


def sla(share: float = 0.85, resolution: float = 12.0) -> SlaPolicy:
    return SlaPolicy(
        targets=[
            SlaTarget(priority=p, response_hours=1.0, resolution_hours=resolution, share=share)
            for p in (Priority.P2, Priority.P3)
        ]
    )


def costs(min_specialists: int = 0) -> CostTable:
    return CostTable(
        generalist=30,
        specialist=50,
        constraints=Constraints(shifts=ALL_WEEK, min_specialists=min_specialists),
    )


def network_msp(per_ticket: float) -> MspContract:
    return MspContract(
        name="NetOps",
        domains=["network"],
        response_hours=0.5,
        pricing=MspPricing(per_ticket=per_ticket),
    )


def two_quiet_domains() -> Workload:
    """A busy first line and two quiet specialist domains: each alone would pay a whole
    specialist for its bus factor, one person cross-trained in both covers them."""
    streams = [
        ("end_user", Tier.GENERALIST, Priority.P3, 200.0),
        ("network", Tier.SPECIALIST, Priority.P3, 6.0),
        ("security", Tier.SPECIALIST, Priority.P3, 6.0),
    ]
    return Workload(
        name="two quiet domains",
        arrivals=[
            ArrivalStream(domain=d, tier=t, priority=p, tickets_per_week=n, observed=1)
            for d, t, p, n in streams
        ],
        handling=[
            handling("end_user", Tier.GENERALIST, 0.3),
            handling("network", Tier.GENERALIST, 0.3),
            handling("security", Tier.GENERALIST, 0.3),
            handling("network", Tier.SPECIALIST, 1.5),
            handling("security", Tier.SPECIALIST, 1.5),
        ],
    )


def generalists(count: int, prefix: str = "Kept") -> Team:
    """People who stay, exactly like the planner's generalist hires (level 2, all week)."""
    domains = ["end_user", "network"]
    return Team(
        name="today",
        agents=[
            Agent(
                name=f"{prefix} {i + 1}",
                kind=AgentKind.GENERALIST,
                skills=dict.fromkeys(domains, 2),
                cost_per_hour=30,
                shifts=ALL_WEEK,
            )
            for i in range(count)
        ],
    )
