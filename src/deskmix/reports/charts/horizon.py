"""The 12-month plan's chart: the volume each quarter is planned for beside the headcount."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from deskmix.plan.horizon import YearPlan


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
