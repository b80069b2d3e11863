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
