"""What the dashboard's plan page draws, computed by the job's worker from the plan it found.

The page's plan runs as a job (kind ``dashboard-plan``). Its result is the plan as
``deskmix plan --json`` prints it plus ``page``: the designs side by side (rows already
formatted, means with 95% intervals), the reasons, and the page's charts as Plotly figure
JSON, so the page renders only what the job stored. Figures are stored without Plotly's
default template (the page applies the same one) and with NaN as null, which PostgreSQL's
JSON type requires.
"""

from __future__ import annotations

import json
import math
from typing import Any

import plotly.graph_objects as go

from deskmix.plan.analysis import compared_notes
from deskmix.plan.evaluate import Evaluation
from deskmix.plan.use_case import PlanOutcome
from deskmix.reports.charts.plan import frontier_chart, search_path_chart
from deskmix.reports.charts.simulation import sla_comparison
from deskmix.reports.plan import comparison_notes, comparison_rows

COMPACT = {"t": 30, "l": 50, "r": 20, "b": 50}


def design_costs(named: list[tuple[str, Evaluation]]) -> go.Figure:
    """Cost per week of each design with its 95% interval; green where every SLA is met."""
    figure = go.Figure(
        go.Bar(
            x=[name for name, _ in named],
            y=[e.cost.mean for _, e in named],
            error_y={
                "type": "data",
                "array": [
                    0.0 if math.isnan(e.cost.half_width) else e.cost.half_width for _, e in named
                ],
            },
            marker_color=["#3a7d44" if e.feasible else "#c0392b" for _, e in named],
            hovertemplate="%{x}: %{y:,.0f} a week<extra></extra>",
        )
    )
    figure.update_layout(
        yaxis={"title": "cost per week", "rangemode": "tozero"}, height=360, margin=COMPACT
    )
    return figure


def figure_json(figure: go.Figure) -> dict[str, Any]:
    """A figure as strict JSON (Plotly's encoder writes NaN as null), template left out."""
    stored: dict[str, Any] = json.loads(figure.to_json())
    stored.get("layout", {}).pop("template", None)
    return stored


def named_designs(outcome: PlanOutcome) -> list[tuple[str, Evaluation]]:
    """The recommendation, two runners-up and the designs the user named, in page order."""
    plan = outcome.plan
    named = [("recommended", plan.evaluation)]
    named += [(f"runner-up {i + 1}", e) for i, (_, e) in enumerate(plan.runners_up[:2])]
    return named + outcome.compared


def plan_page(outcome: PlanOutcome) -> dict[str, Any]:
    """Everything the plan page shows of a plan, as JSON."""
    plan = outcome.plan
    named = named_designs(outcome)
    labels = {"recommended": plan.recommended.label()}
    labels.update({f"runner-up {i + 1}": d.label() for i, (d, _) in enumerate(plan.runners_up[:2])})
    for name, evaluation in outcome.compared:
        msp = " + MSP contract" if evaluation.team.msp else ""
        labels[name] = f"{len(evaluation.team.agents)} people{msp}"
    sla_name = outcome.inputs.sla_name
    frontier = (
        figure_json(
            frontier_chart(plan.frontier, plan.recommended, plan.budget_per_week, plan.currency)
        )
        if plan.budget_per_week is not None
        else None
    )
    return {
        "sla_name": sla_name,
        "policy": plan.run.policy,
        "names": [n for n, _ in named],
        "labels": labels,
        "people": [len(e.team.agents) for _, e in named],
        "feasible": [e.feasible for _, e in named],
        "rows": comparison_rows(named),
        "notes": comparison_notes(named),
        "reasons": plan.reasons + compared_notes(plan, outcome.compared),
        "verified": plan.verified,
        "simulated": len(plan.log),
        "run": {"reps": plan.run.reps, "weeks": plan.run.weeks, "seed": plan.run.seed},
        "budget": plan.budget_per_year,
        "projects": outcome.projects.lines() if outcome.projects is not None else None,
        "figures": {
            "path": figure_json(search_path_chart(plan, sla_name)),
            "sla": figure_json(sla_comparison([(n, e.result) for n, e in named])),
            "cost": figure_json(design_costs(named)),
            "frontier": frontier,
        },
    }
