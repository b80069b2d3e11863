"""The horizon plan as a report section: forecast volume and headcount per quarter, the actions
with their dates, and how the forecast was made."""

from __future__ import annotations

from pathlib import Path

from deskmix.plan.horizon import YearPlan
from deskmix.reports.charts.horizon import volume_and_headcount
from deskmix.reports.document import Report


def add_horizon_section(report: Report, plan: YearPlan) -> Report:
    money = plan.currency
    report.add_figure(
        "Forecast volume and headcount per quarter",
        volume_and_headcount(plan),
        intro=plan.forecast.statement,
        caption="Each quarter is planned for its busiest third (about a month). Whiskers: 95% "
        "prediction interval of one week's tickets, when the forecast was fitted.",
    )
    report.add_table(
        "Quarter by quarter",
        [
            {
                "quarter": f"Q{q.quarter}",
                "from": str(q.start),
                "tickets/week": f"{q.tickets_per_week:,.0f}",
                "people": q.headcount,
                "added": q.added,
                "MSP": ", ".join(q.msp) or "-",
                f"cost/week ({money})": f"{q.cost_per_week:,.0f}",
                f"one-off ({money})": f"{q.one_off_cost:,.0f}",
                f"quarter ({money})": f"{q.quarter_cost:,.0f}",
            }
            for q in plan.quarters
        ],
        note=f"Horizon total {plan.total_cost:,.0f} {money}, of which one-off "
        f"{plan.one_off_cost:,.0f}. Nobody is removed: each quarter only adds.",
    )
    report.add_table(
        "Hiring and cross-training plan",
        [
            {
                "quarter": f"Q{a.quarter}",
                "action": a.detail,
                "person": a.person,
                "start by": f"{a.start_by}{' (late)' if a.late else ''}",
                "ready by": str(a.ready_by),
                f"one-off ({money})": f"{a.one_off_cost:,.0f}",
            }
            for q in plan.quarters
            for a in q.actions
        ],
        intro="Recruiting starts the hiring lead time before the quarter that needs the person; "
        "cross-training the training time before.",
    )
    return report.add_list("Assumptions", plan.notes)


def write_horizon_report(path: Path, plan: YearPlan) -> Path:
    report = Report(
        f"A {3 * len(plan.quarters)}-month plan: {plan.workload}",
        meta={
            "Forecast": plan.forecast.method,
            "Starts": str(plan.forecast.start),
            "Team today": f"{plan.starting_headcount} people",
        },
    )
    return add_horizon_section(report, plan).write(path)
