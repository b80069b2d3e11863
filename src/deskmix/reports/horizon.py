"""The horizon plan as a report section: forecast volume and headcount per quarter, the actions
with their dates, and how the forecast was made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from deskmix.plan.horizon import YearPlan
from deskmix.reports.document import Report


def volume_and_headcount(plan: YearPlan) -> Any:
    """Bars: tickets a week each quarter is planned for (with its 95% prediction interval when
    fitted); line: headcount at the start of each quarter (right axis)."""
    labels = [f"Q{q.quarter} ({q.start})" for q in plan.quarters]
    volumes = [q.tickets_per_week for q in plan.quarters]
    bars = go.Bar(x=labels, y=volumes, name="tickets a week (planned)", marker_color="#4c78a8")
    if all(q.low is not None and q.high is not None for q in plan.quarters):
        bars.error_y = {
            "type": "data",
            "symmetric": False,
            "array": [(q.high or 0) - q.tickets_per_week for q in plan.quarters],
            "arrayminus": [q.tickets_per_week - (q.low or 0) for q in plan.quarters],
        }
    figure = go.Figure(bars)
    figure.add_trace(
        go.Scatter(
            x=labels,
            y=[q.headcount for q in plan.quarters],
            name="headcount",
            mode="lines+markers",
            yaxis="y2",
            line={"color": "#e45756", "width": 3},
        )
    )
    figure.update_layout(
        height=380,
        yaxis={"title": "tickets a week", "rangemode": "tozero"},
        yaxis2={"title": "people", "overlaying": "y", "side": "right", "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 20},
    )
    return figure


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
