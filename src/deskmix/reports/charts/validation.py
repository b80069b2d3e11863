"""Back-test charts: the backlog day by day and the median resolution per domain, history beside
simulation."""

from __future__ import annotations

import plotly.graph_objects as go

from deskmix.validate.output import BackTestOut


def backlog_chart(test: BackTestOut) -> go.Figure:
    figure = go.Figure()
    figure.add_scatter(y=test.backlog_history, mode="lines", name="history")
    figure.add_scatter(y=test.backlog_simulated, mode="lines", name="simulated (mean)")
    figure.update_layout(
        xaxis={"title": "day of the compared period (after a week)"},
        yaxis={"title": "open tickets at the end of the day"},
        legend={"orientation": "h", "y": -0.2},
        height=380,
        margin={"t": 30},
    )
    return figure


def median_chart(test: BackTestOut) -> go.Figure:
    rows = [f for f in test.figures if f.figure == "resolution median (h)" and f.scope != "all"]
    names = [f.scope.removeprefix("domain:") for f in rows]
    figure = go.Figure()
    figure.add_bar(x=names, y=[f.history for f in rows], name="history")
    figure.add_bar(
        x=names,
        y=[f.simulated for f in rows],
        name="simulated",
        error_y={"type": "data", "array": [f.half_width or 0 for f in rows]},
    )
    figure.update_layout(
        barmode="group",
        yaxis={"title": "median resolution (calendar hours)"},
        legend={"orientation": "h", "y": -0.25},
        height=400,
        margin={"t": 30},
    )
    return figure
