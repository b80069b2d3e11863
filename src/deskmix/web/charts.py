"""The overview's charts of stored history (Plotly), sized for a page rather than a report."""

from __future__ import annotations

import plotly.graph_objects as go

from deskmix.calibrate.history import DeskHistory
from deskmix.domain.workload import DAYS
from deskmix.reports.charts.basic import heatmap, heatmap_axes

COMPACT = {"t": 30, "l": 50, "r": 20, "b": 50}


def arrivals_heatmap(history: DeskHistory) -> go.Figure:
    """Tickets opened per hour of the week: where the desk needs people on duty."""
    hours = [f"{h:02d}" for h in range(24)]
    days = [d.capitalize() for d in DAYS]
    figure = go.Figure(
        heatmap(
            history.arrivals,
            hours,
            days,
            colorbar_title="tickets",
            hovertemplate="%{y} %{x}:00: %{z} tickets<extra></extra>",
        )
    )
    heatmap_axes(figure, hours, days)
    figure.update_layout(
        xaxis={"title": "hour of day (UTC)", "dtick": 2},
        height=330,
        margin=COMPACT,
    )
    return figure


def backlog_line(history: DeskHistory) -> go.Figure:
    figure = go.Figure(
        go.Scatter(
            x=history.backlog.index,
            y=history.backlog.to_numpy(),
            mode="lines",
            line={"shape": "hv", "color": "#2f5d8a"},
            hovertemplate="%{x|%a %d %b %Y}: %{y} open<extra></extra>",
        )
    )
    figure.update_layout(
        yaxis={"title": "open tickets at day end", "rangemode": "tozero"},
        height=330,
        margin=COMPACT,
    )
    return figure


def sla_bars(history: DeskHistory) -> go.Figure:
    """Resolution attainment per priority, with each target's share as a marker to beat."""
    rows = [s for s in history.sla if s.judged]
    priorities = [s.priority for s in rows]
    figure = go.Figure()
    figure.add_bar(
        x=priorities,
        y=[100 * s.attainment for s in rows],
        marker_color=["#3a7d44" if s.on_target else "#c0392b" for s in rows],
        name="resolved within target",
        customdata=[[s.met, s.judged] for s in rows],
        hovertemplate="%{x}: %{y:.1f}% (%{customdata[0]} of %{customdata[1]})<extra></extra>",
    )
    figure.add_scatter(
        x=priorities,
        y=[100 * s.share for s in rows],
        mode="markers",
        marker={"symbol": "line-ew-open", "size": 28, "color": "#1f2933", "line": {"width": 3}},
        name="target share",
        hovertemplate="%{x} target: %{y:.0f}%<extra></extra>",
    )
    figure.update_layout(
        yaxis={"title": "resolved within target (%)", "range": [0, 105]},
        legend={"orientation": "h", "y": -0.2},
        height=330,
        margin=COMPACT,
    )
    return figure


def mix_bars(history: DeskHistory) -> go.Figure:
    """Tickets per domain, split by tier: how much is generalist work."""
    mix = history.mix
    figure = go.Figure()
    for tier in mix.columns:
        figure.add_bar(y=list(mix.index), x=mix[tier].tolist(), name=str(tier), orientation="h")
    figure.update_layout(
        barmode="stack",
        yaxis={"autorange": "reversed"},
        xaxis={"title": "tickets"},
        legend={"orientation": "h", "y": -0.2},
        height=max(300, 40 + 28 * len(mix.index)),
        margin={**COMPACT, "l": 150},
    )
    return figure
