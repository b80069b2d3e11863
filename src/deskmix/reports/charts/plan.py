"""The plan's charts: the path the search took, and the cost-service frontier.

The path: each design the search simulated, people against cost a week, in order. A manager
asking "did it look far enough?" sees where the search started (the analytic staffing), how it
climbed while a target failed and how it came down to the recommendation, with every design
that missed a target marked apart from those that met them all.

The frontier (``plan.frontier`` computes it): cost a year against the worst target's margin.
"""

from __future__ import annotations

import plotly.graph_objects as go

from deskmix.plan.design import Design
from deskmix.plan.frontier import WEEKS_PER_YEAR, FrontierPoint
from deskmix.plan.result import PlanResult


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


def frontier_chart(
    points: list[FrontierPoint],
    recommended: Design | None = None,
    budget_per_week: float | None = None,
    currency: str = "EUR",
) -> go.Figure:
    """Cost a year against the worst target's margin (points of attainment above its share,
    lower 95% bound); the frontier as a line, the recommendation and the budget marked."""
    figure = go.Figure()

    def margin(p: FrontierPoint) -> float:
        return -100 * p.shortfall

    others = [p for p in points if not p.pareto]
    front = [p for p in points if p.pareto]
    figure.add_scatter(
        x=[p.cost_per_year for p in others],
        y=[margin(p) for p in others],
        mode="markers",
        name="simulated design",
        marker={"color": ["#9aa5b1" if p.within_budget else "#d9dde2" for p in others]},
        text=[p.design.label() for p in others],
        hovertemplate="%{text}<br>%{x:,.0f} a year, worst margin %{y:.1f} points<extra></extra>",
    )
    figure.add_scatter(
        x=[p.cost_per_year for p in front],
        y=[margin(p) for p in front],
        mode="lines+markers",
        line={"shape": "hv", "color": "#2f5d8a"},
        marker={"size": 9, "color": "#2f5d8a"},
        name="Pareto-optimal (frontier)",
        text=[p.design.label() for p in front],
        hovertemplate="%{text}<br>%{x:,.0f} a year, worst margin %{y:.1f} points<extra></extra>",
    )
    chosen = [p for p in points if recommended is not None and p.design == recommended]
    if chosen:
        figure.add_scatter(
            x=[chosen[0].cost_per_year],
            y=[margin(chosen[0])],
            mode="markers",
            name="recommended",
            marker={"symbol": "star", "size": 16, "color": "#3a7d44"},
            text=[chosen[0].design.label()],
            hovertemplate="%{text}<br>%{x:,.0f} a year<extra>recommended</extra>",
        )
    figure.add_hline(y=0, line={"dash": "dot", "color": "#1f2933"})
    if budget_per_week is not None:
        figure.add_vline(
            x=budget_per_week * WEEKS_PER_YEAR,
            line={"dash": "dash", "color": "#c0392b"},
            annotation_text="budget",
        )
    figure.update_layout(
        xaxis={"title": f"cost a year ({currency}, 52 weeks)"},
        yaxis={"title": "worst SLA target: 95% CI low minus share (points)"},
        legend={"orientation": "h", "y": -0.25},
        height=460,
        margin={"t": 30},
    )
    return figure
