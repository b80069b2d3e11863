"""Charts of simulation results (Plotly): scenarios side by side, backlog, utilisation."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from deskmix.sim.runner import SimulationResult

Results = list[tuple[str, SimulationResult]]


def sla_comparison(results: Results) -> go.Figure:
    """Resolution SLA attainment per priority, one bar group per scenario, 95% CI whiskers."""
    figure = go.Figure()
    priorities = [
        f"P{p}" for p in range(1, 6) if any(f"sla_resolution/P{p}" in r.summary for _, r in results)
    ]
    for name, result in results:
        means, errors = [], []
        for p in priorities:
            estimate = result.summary.get(f"sla_resolution/{p}")
            means.append(100 * estimate.mean if estimate else math.nan)
            half = estimate.half_width if estimate and not math.isnan(estimate.half_width) else 0
            errors.append(100 * half)
        figure.add_bar(
            name=name,
            x=priorities,
            y=means,
            error_y={"type": "data", "array": errors, "visible": True},
        )
    figure.update_layout(
        barmode="group",
        yaxis={"title": "tickets resolved within target (%)", "range": [0, 105]},
        xaxis={"title": "priority"},
        legend={"orientation": "h", "y": -0.2},
        height=460,
        margin={"t": 30},
    )
    return figure


def backlog_over_time(results: Results) -> go.Figure:
    """Open tickets by hour over the measured window, mean across replications."""
    figure = go.Figure()
    for name, result in results:
        # Hourly points: an evenly spaced x (x0, dx) and two decimals keep a report small.
        figure.add_scatter(
            x0=0.0,
            dx=1 / 24,
            y=np.round(np.asarray(result.backlog, dtype=float), 2).tolist(),
            mode="lines",
            name=name,
        )
    figure.update_layout(
        xaxis={"title": "day of the measured period"},
        yaxis={"title": "open tickets (mean of replications)"},
        legend={"orientation": "h", "y": -0.2},
        height=420,
        margin={"t": 30},
    )
    return figure


def agent_utilisation(result: SimulationResult) -> go.Figure:
    """Share of on-shift hours each agent spends working (baseline)."""
    prefix = "utilisation/agent:"
    names = sorted(k for k in result.summary if k.startswith(prefix))
    figure = go.Figure(
        go.Bar(
            x=[k.removeprefix(prefix) for k in names],
            y=[100 * result.summary[k].mean for k in names],
            error_y={
                "type": "data",
                "array": [100 * np.nan_to_num(result.summary[k].half_width) for k in names],
            },
        )
    )
    figure.update_layout(
        yaxis={"title": "utilisation (%)", "range": [0, 105]},
        height=380,
        margin={"t": 30},
    )
    return figure
