"""Projects on reserved hours: earliest due first, days late, hours short, MSP hours."""

from __future__ import annotations

import datetime as dt

import pytest

from deskmix.domain.projects import Portfolio, Project
from deskmix.domain.sla import SlaPolicy
from deskmix.domain.team import Agent, AgentKind, MspContract, ProjectHours, Team
from deskmix.errors import ConfigError
from deskmix.projects.kpis import project_report, project_table
from deskmix.sim.model import SimSettings
from tests.plan.helpers import two_pool_workload

START = dt.date(2025, 1, 6)
SETTINGS = SimSettings(weeks=4, warmup_weeks=0, drain_weeks=0, reserved_share=0.2)


def team() -> Team:  # two network specialists, 45 h a week each: 18 reserved hours a week
    return Team(
        name="t",
        agents=[
            Agent(name="G", kind=AgentKind.GENERALIST, cost_per_hour=30, skills={"end_user": 2}),
            Agent(name="S1", kind=AgentKind.SPECIALIST, cost_per_hour=50, skills={"network": 3}),
            Agent(name="S2", kind=AgentKind.SPECIALIST, cost_per_hour=50, skills={"network": 3}),
        ],
    )


def portfolio() -> Portfolio:
    return Portfolio(
        reserved_share=0.2,
        projects=[
            Project(
                name="late one",
                domains=["network"],
                effort_hours=100,
                earliest_start=START,
                due=dt.date(2025, 1, 31),
            ),
            Project(
                name="first due",
                domains=["network"],
                effort_hours=30,
                earliest_start=START,
                due=dt.date(2025, 1, 19),
            ),
        ],
    )


def msp(lead: float, price: float = 90) -> MspContract:
    return MspContract(
        name="Build MSP",
        domains=["network"],
        project_hours=ProjectHours(price_per_hour=price, lead_time_weeks=lead, domains=["network"]),
    )


def _report(offers: list[MspContract] | None = None):  # type: ignore[no-untyped-def]
    return project_report(
        two_pool_workload(),
        team(),
        SlaPolicy.default(),
        SETTINGS,
        portfolio(),
        seed=0,
        reps=3,
        offers=offers or [],
    )


def test_earliest_due_first_and_the_late_project_is_reported_with_days_and_hours_short() -> None:
    report = _report()
    late, first = report.rows
    assert first.on_time.mean == 1 and first.short_at_due.mean == 0
    assert late.on_time.mean == 0
    # 4 weeks x 18 h = 72 h by 31 January, 30 of them to the first project: 58 h short
    assert late.short_at_due.mean == pytest.approx(58, abs=2)
    assert late.days_late.mean > 14  # 58 h more at 18 h a week: three weeks and more
    assert report.reserved_hours_per_week.mean == pytest.approx(18, abs=0.5)
    assert report.reserved_cost_per_week.mean == pytest.approx(18 * 50, abs=25)
    table = project_table(report)
    assert all(len(line) <= 80 for line in table.splitlines())
    assert "late one" in table and "first due" in table


def test_msp_project_hours_rescue_a_late_project_only_after_their_lead_time() -> None:
    bought = _report([msp(lead=0)])
    assert all(r.on_time.mean == 1 for r in bought.rows)
    assert bought.msp_hours.mean == pytest.approx(58, abs=2)
    assert bought.msp_cost.mean == pytest.approx(58 * 90, abs=200)
    too_slow = _report([msp(lead=6)])
    assert too_slow.rows[0].on_time.mean == 0 and too_slow.msp_hours.mean == 0


def test_tickets_first_gives_projects_the_idle_share_of_hours_at_work() -> None:
    from deskmix.sim.whatif import Setup, run_setup

    settings = SimSettings(weeks=4, warmup_weeks=0, drain_weeks=0)
    setup = Setup(
        two_pool_workload(), team(), SlaPolicy.default(), settings, "generalist_first", {}
    )
    result = run_setup(setup, reps=3, seed=0, workers=1)
    idle = portfolio().model_copy(update={"rule": "tickets_first"})
    report = project_report(
        two_pool_workload(),
        team(),
        SlaPolicy.default(),
        settings,
        idle,
        seed=0,
        reps=3,
        runs=result.runs,
    )
    # 2 specialists x 45 h x 4 weeks, times each replication's idle share
    expected = [
        sum(45 * (1 - run[f"utilisation/agent:S{k}"]) for k in (1, 2)) for run in result.runs
    ]
    assert report.reserved_hours_per_week.mean == pytest.approx(sum(expected) / 3, rel=0.02)
    assert 0 < report.reserved_hours_per_week.mean < 90
    with pytest.raises(ConfigError, match="tickets_first"):
        project_report(
            two_pool_workload(), team(), SlaPolicy.default(), settings, idle, seed=0, reps=3
        )


def test_cross_trained_hours_go_to_whichever_domain_is_due_first() -> None:
    import numpy as np

    from deskmix.projects.schedule import Supply, schedule

    # one person in network and security, 2 h a day; one one-domain network specialist
    supply = Supply(
        np.array([[2.0] * 28, [2.0] * 28]),
        (frozenset({"network", "security"}), frozenset({"network"})),
        ("pair", "net"),
        (60.0, 50.0),
    )

    def project(name: str, domain: str, hours: float, due: dt.date) -> Project:
        return Project(
            name=name, domains=[domain], effort_hours=hours, earliest_start=START, due=due
        )

    work = Portfolio(
        projects=[
            project("sec", "security", 20, dt.date(2025, 1, 17)),
            project("net", "network", 30, dt.date(2025, 1, 31)),
        ]
    )
    sec, net = schedule(work, supply, START)
    # security is due first: the pair gives it all 2 h a day, day 0 to 9 (20 h)
    assert sec.finish == dt.date(2025, 1, 15) and sec.on_time
    # network takes the one-domain specialist's 2 h a day from day 0, and the pair's after
    assert net.on_time and net.finish == dt.date(2025, 1, 18)  # 20 h by day 9, then 4 h a day
