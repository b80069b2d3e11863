"""Small workloads and teams for engine tests."""

from __future__ import annotations

from deskmix.domain import ArrivalStream, HandlingFit, HandlingTime, Priority, Tier, Workload
from deskmix.domain.team import Agent, AgentKind, Shift, Team
from deskmix.domain.workload import DAYS

ALL_WEEK = [Shift(days=list(DAYS), start="00:00", end="24:00")]


def exponential(mean: float) -> HandlingFit:
    return HandlingFit(
        family="exponential",
        params={"scale": mean},
        aic=0.0,
        ks_statistic=0.0,
        ks_pvalue=1.0,
        mean_hours=mean,
    )


def handling(domain: str, tier: Tier, mean: float) -> HandlingTime:
    fit = exponential(mean)
    return HandlingTime(
        domain=domain,
        tier=tier,
        observed=100,
        basis="test",
        mean_hours=mean,
        p50_hours=mean,
        p90_hours=mean,
        chosen=fit,
        candidates=[fit],
    )


def single_pool(rate_per_hour: float, mean_hours: float) -> Workload:
    """One stream, flat over the week, exponential handling: the M/M/c case."""
    return Workload(
        name="single pool",
        arrivals=[
            ArrivalStream(
                domain="end_user",
                tier=Tier.GENERALIST,
                priority=Priority.P3,
                tickets_per_week=rate_per_hour * 168,
                observed=1,
            )
        ],
        handling=[handling("end_user", Tier.GENERALIST, mean_hours)],
    )


def pool_team(size: int, shifts: list[Shift] | None = None) -> Team:
    return Team(
        name=f"{size} generalists",
        agents=[
            Agent(
                name=f"g{i}",
                kind=AgentKind.GENERALIST,
                cost_per_hour=30.0,
                shifts=shifts or ALL_WEEK,
            )
            for i in range(size)
        ],
    )


def two_domains(end_user_per_week: float, network_per_week: float) -> Workload:
    """First-line end-user work (P3, 0.5 h) and specialist network work (P2, 2 h)."""
    return Workload(
        name="two domains",
        arrivals=[
            ArrivalStream(
                domain="end_user",
                tier=Tier.GENERALIST,
                priority=Priority.P3,
                tickets_per_week=end_user_per_week,
                observed=1,
            ),
            ArrivalStream(
                domain="network",
                tier=Tier.SPECIALIST,
                priority=Priority.P2,
                tickets_per_week=network_per_week,
                observed=1,
            ),
        ],
        handling=[
            handling("end_user", Tier.GENERALIST, 0.5),
            handling("network", Tier.SPECIALIST, 2.0),
            handling("network", Tier.GENERALIST, 0.5),
        ],
    )
