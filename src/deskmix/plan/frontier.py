"""The cost-service frontier: every design a plan simulated, cost against service.

Service is measured by the **worst shortfall** of a design: over every SLA target (response
and resolution of each priority with tickets), the target's share less the lower end of the
95% interval of its attainment, the largest of them. Zero or below means every target is met
with 95% confidence (the planner's "feasible"); below zero, the worst target clears its share
by that margin. A design is **Pareto-optimal** among the simulated ones when no other is both
cheaper-or-equal and better-or-equal with one of the two strict: it is on the frontier.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import plotly.graph_objects as go

from deskmix.plan.design import Design
from deskmix.plan.evaluate import Evaluation

WEEKS_PER_YEAR = 52
"""Budgets are per year; the cost model is per week: a year is 52 weeks."""


def shortfall(evaluation: Evaluation) -> float:
    """The worst target's share less the lower end of its 95% interval (<= 0: all met)."""
    binding = evaluation.binding
    return 0.0 if binding is None else -binding.slack


def objective(design: Design, evaluation: Evaluation) -> tuple[float, float, int, str]:
    """Budget mode's order: smallest worst shortfall, then cheapest, then fewest people."""
    return (shortfall(evaluation), evaluation.cost.mean, design.headcount, design.label())


@dataclass(frozen=True)
class FrontierPoint:
    design: Design
    cost_per_week: float
    shortfall: float
    feasible: bool
    pareto: bool
    within_budget: bool = True

    @property
    def cost_per_year(self) -> float:
        return self.cost_per_week * WEEKS_PER_YEAR


def dominates(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """(cost, shortfall) ``a`` is cheaper-or-equal and better-or-equal than ``b``, one strictly."""
    return a[0] <= b[0] and a[1] <= b[1] and (a[0] < b[0] or a[1] < b[1])


def pareto_front(points: list[tuple[float, float]]) -> list[bool]:
    """Which of the (cost, shortfall) points no other point dominates."""
    return [not any(dominates(other, point) for other in points) for point in points]


def frontier(
    simulated: Iterable[tuple[Design, Evaluation]], budget_per_week: float | None = None
) -> list[FrontierPoint]:
    """Every simulated design as a point, cheapest first; Pareto-optimal ones marked (among
    those within the budget, when there is one)."""
    items = list(simulated)
    limit = float("inf") if budget_per_week is None else budget_per_week
    costs = [(e.cost.mean, shortfall(e)) for _, e in items]
    within = [c[0] <= limit for c in costs]
    inside = [i for i, w in enumerate(within) if w]
    marks = pareto_front([costs[i] for i in inside])
    pareto = dict.fromkeys(range(len(items)), False)
    pareto.update(zip(inside, marks, strict=True))
    points = [
        FrontierPoint(d, costs[i][0], costs[i][1], e.feasible, pareto[i], within[i])
        for i, (d, e) in enumerate(items)
    ]
    return sorted(points, key=lambda p: (p.cost_per_week, p.shortfall, p.design.label()))


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


def frontier_intro(budget_per_week: float | None, currency: str = "EUR") -> str:
    budget = (
        "Budget mode: the recommendation is the best service found for at most "
        f"{budget_per_week * WEEKS_PER_YEAR:,.0f} {currency} a year "
        f"({budget_per_week:,.0f} a week, {WEEKS_PER_YEAR} weeks a year), the smallest worst "
        "shortfall, ties by cost. "
        if budget_per_week is not None
        else ""
    )
    return (
        f"{budget}Every design simulated, its cost a year against its worst SLA target: the "
        "lower end of the 95% interval of attainment less the target's share, in points "
        "(at or above zero: every target met with 95% confidence). The line joins the "
        "Pareto-optimal designs (within the budget, when there is one): no other simulated "
        "design is cheaper or as cheap and better."
    )


def frontier_rows(points: list[FrontierPoint], recommended: Design) -> list[dict[str, object]]:
    """The Pareto-optimal points as report rows, cheapest first."""
    return [
        {
            "design": p.design.label() + (" (recommended)" if p.design == recommended else ""),
            "cost/week": f"{p.cost_per_week:,.0f}",
            "cost/year": f"{p.cost_per_year:,.0f}",
            "worst target margin": f"{-100 * p.shortfall:+.1f} points",
            "meets SLAs": "yes" if p.feasible else "no",
        }
        for p in points
        if p.pareto
    ]
