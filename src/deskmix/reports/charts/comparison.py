"""The comparison chart: cost per week of each saved run with its 95% interval."""

from __future__ import annotations

from typing import Any

from deskmix.compare import ComparisonOutput


def cost_bars(result: ComparisonOutput) -> Any:
    import plotly.graph_objects as go

    runs = [r for r in result.runs if r.kpis.get("cost_per_week") is not None]
    values = [r.kpis["cost_per_week"] for r in runs]
    return go.Figure(
        go.Bar(
            x=[r.label for r in runs],
            y=[v.mean for v in values],
            error_y={"type": "data", "array": [v.half_width or 0 for v in values]},
        ),
        layout={"yaxis": {"title": "cost per week (mean, 95% CI)"}},
    )
