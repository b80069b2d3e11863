"""The path the search took: each design it simulated, people against cost a week, in order.

A manager asking "did it look far enough?" sees where the search started (the analytic
staffing), how it climbed while a target failed and how it came down to the recommendation,
with every design that missed a target marked apart from those that met them all.
"""

from __future__ import annotations

import plotly.graph_objects as go

from deskmix.plan.search import PlanResult


def search_path_chart(plan: PlanResult, sla_name: str = "") -> go.Figure:
    steps = plan.log
    figure = go.Figure()
    figure.add_scatter(
        x=[s.design.headcount for s in steps],
        y=[s.cost for s in steps],
        mode="lines",
        line={"color": "#c8ced6", "width": 1},
        name="search order",
        hoverinfo="skip",
    )
    for feasible, name, color in (
        (True, "meets every SLA", "#2f5d8a"),
        (False, "misses", "#c0392b"),
    ):
        chosen = [(i, s) for i, s in enumerate(steps, 1) if s.feasible == feasible]
        figure.add_scatter(
            x=[s.design.headcount for _, s in chosen],
            y=[s.cost for _, s in chosen],
            mode="markers",
            name=name,
            marker={"color": color, "size": 7},
            text=[f"#{i} {s.design.label()}<br>{s.why}<br>{s.binding}" for i, s in chosen],
            hovertemplate="%{text}<br>%{x} hires, %{y:,.0f} a week<extra></extra>",
        )
    best = [s for s in steps if s.design == plan.recommended]
    if best:
        figure.add_scatter(
            x=[best[0].design.headcount],
            y=[best[0].cost],
            mode="markers",
            name="recommended",
            marker={"symbol": "star", "size": 16, "color": "#3a7d44"},
            hovertemplate="recommended<extra></extra>",
        )
    title = f"Designs the search simulated ({len(steps)})"
    figure.update_layout(
        title=title + (f", {sla_name}" if sla_name else ""),
        xaxis_title="new hires",
        yaxis_title=f"cost a week ({plan.currency})",
        template="plotly_white",
        height=420,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
    )
    return figure
