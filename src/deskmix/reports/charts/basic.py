"""Plotly charts within the light plotly.js bundle: the bundle itself, and the shapes it lacks.

Reports inline plotly.js so they open offline, and the dashboard serves it; the full bundle is
4.8 MB, its published "basic" partial bundle (``scatter``, ``bar``, ``pie``) 1.2 MB. Every chart
of deskmix is drawn with those three: a heatmap as a grid of bars coloured by value, a histogram
as bars of counted bins, a radar as closed scatter lines on a drawn polar grid.
``check_figure`` refuses any other trace type, so a new chart cannot silently blank out.
The bundle is vendored in ``deskmix/data/plotly/`` (its README gives its source and licence).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import plotly.graph_objects as go

BUNDLE_FILE = "plotly-basic.min.js"
BUNDLE_VERSION = "4.1.1"
BUNDLE_SHA256 = "99784e3abfb07b142a15e521a439e6d9addceadb3f79553fd24c72774f0649ba"
BUNDLE_TRACES = frozenset({"scatter", "bar", "pie"})


def bundle_dir() -> Any:
    """The folder holding the vendored bundle (a ``Traversable``; a real folder when installed)."""
    return resources.files("deskmix.data") / "plotly"


@cache
def bundle_js() -> str:
    """The basic plotly.js bundle's text, read once per process."""
    text: str = (bundle_dir() / BUNDLE_FILE).read_text(encoding="utf-8")
    return text


def trace_types(figure: go.Figure) -> set[str]:
    return {str(trace.type or "scatter") for trace in figure.data}


def check_figure(figure: go.Figure) -> go.Figure:
    """``figure`` unchanged, or ``ValueError`` when a trace needs more than the basic bundle."""
    extra = trace_types(figure) - BUNDLE_TRACES
    if extra:
        raise ValueError(
            f"trace type(s) {sorted(extra)} are not in the plotly.js basic bundle "
            f"({', '.join(sorted(BUNDLE_TRACES))}): draw them with deskmix.reports.charts.basic"
        )
    return figure


def _placeholders(template: str) -> str:
    """A heatmap's hover template (%{x}, %{y}, %{z}, %{text}) for its rows of bars."""
    for name, value in (("y", "fullData.name"), ("z", "marker.color"), ("text", "customdata")):
        template = template.replace("%{" + name + "}", "%{" + value + "}")
    return template


def _plain(value: float) -> float | int:
    """A cell's value as short JSON: integers without a decimal point."""
    return int(value) if float(value).is_integer() else float(value)


def heatmap(
    z: Any,
    x: Sequence[str],
    y: Sequence[str],
    *,
    colorscale: str = "Blues",
    zmin: float | None = None,
    zmax: float | None = None,
    colorbar_title: str | None = None,
    hovertemplate: str = "%{y} / %{x}: %{z}<extra></extra>",
    text: Sequence[Sequence[str]] | None = None,
    show_values: bool = False,
    visible: bool = True,
) -> list[go.Bar]:
    """A heatmap as one bar trace per row ``y`` (the row's name; first row on top with
    ``heatmap_axes``), a bar per column ``x`` coloured by ``z`` on one shared scale (the first
    row's colour bar). Empty (NaN) cells are left out, as a heatmap leaves them blank.
    ``hovertemplate`` may use %{x}, %{y}, %{z} and %{text} as for ``go.Heatmap``."""
    values = np.asarray(z, dtype=float)
    present = ~np.isnan(values)
    cells = values[present]
    low = float(np.min(cells)) if zmin is None and cells.size else zmin
    high = float(np.max(cells)) if zmax is None and cells.size else zmax
    template = _placeholders(hovertemplate)
    traces = []
    for r, row in enumerate(y):
        cols = [c for c in range(len(x)) if present[r, c]]
        colours = [_plain(values[r, c]) for c in cols]
        marker: dict[str, Any] = {
            "color": colours,
            "colorscale": colorscale,
            "cmin": low,
            "cmax": high,
            "showscale": r == 0,
            "line": {"width": 0},
        }
        if colorbar_title and r == 0:
            marker["colorbar"] = {"title": {"text": colorbar_title}}
        traces.append(
            go.Bar(
                x=[x[c] for c in cols],
                y=[1] * len(cols),
                base=r,
                width=1,
                marker=marker,
                customdata=[text[r][c] for c in cols] if text is not None else None,
                text=[_number(v) for v in colours] if show_values else None,
                textposition="inside" if show_values else "none",
                insidetextanchor="middle",
                hovertemplate=template,
                name=str(row),
                visible=visible,
                showlegend=False,
            )
        )
    return traces


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.3g}"


def heatmap_axes(figure: go.Figure, x: Sequence[str], y: Sequence[str]) -> go.Figure:
    """Axes for ``heatmap`` traces: every column and row labelled, the first row on top."""
    figure.update_layout(barmode="overlay", bargap=0)
    figure.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=list(x),
        showgrid=False,
        zeroline=False,
    )
    figure.update_yaxes(
        tickmode="array",
        tickvals=[r + 0.5 for r in range(len(y))],
        ticktext=list(y),
        range=[len(y), 0],
        showgrid=False,
        zeroline=False,
    )
    return figure


def histogram_density(values: Any, *, bins: int = 40, **bar: Any) -> go.Bar:
    """A probability-density histogram drawn as bars of counted bins (no raw values sent)."""
    data = np.asarray(values, dtype=float)
    density, edges = np.histogram(data, bins=bins, density=True)
    step = float(edges[1] - edges[0])
    return go.Bar(
        x0=float(edges[0]) + step / 2,
        dx=step,
        y=rounded(density),
        width=step,
        hovertemplate="%{x:.2f}: %{y:.3g}<extra></extra>",
        **bar,
    )


def rounded(values: Any, digits: int = 4) -> list[float]:
    """``values`` to ``digits`` significant digits, as a plain list: short in a report's JSON
    (a float64 array travels as 8 bytes a value, base64-encoded) and exact enough to draw."""
    data = np.asarray(values, dtype=float)
    out = []
    for v in data.tolist():
        out.append(float(f"{v:.{digits}g}") if math.isfinite(v) else v)
    return out


def radar(
    figure: go.Figure,
    axes: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], dict[str, Any]]],
    *,
    top: float = 5.0,
) -> go.Figure:
    """A radar chart on cartesian axes: rings at 1..``top``, a spoke and label per axis, and
    each ``(name, values, style)`` series a closed line (``style`` as for ``go.Scatter``)."""
    n = len(axes)
    angles = [math.pi / 2 - 2 * math.pi * i / n for i in range(n)]  # clockwise from the top

    def points(values: Sequence[float]) -> tuple[list[float], list[float]]:
        xs = [v * math.cos(a) for v, a in zip(values, angles, strict=True)]
        ys = [v * math.sin(a) for v, a in zip(values, angles, strict=True)]
        return [*xs, xs[0]], [*ys, ys[0]]

    grid = {"color": "#d9dee5", "width": 1}
    for ring in range(1, int(top) + 1):
        xs, ys = points([float(ring)] * n)
        figure.add_trace(
            go.Scatter(x=xs, y=ys, mode="lines", line=grid, hoverinfo="skip", showlegend=False)
        )
    spokes_x: list[float | None] = []
    spokes_y: list[float | None] = []
    for a in angles:
        spokes_x += [0.0, top * math.cos(a), None]
        spokes_y += [0.0, top * math.sin(a), None]
    figure.add_trace(
        go.Scatter(
            x=spokes_x, y=spokes_y, mode="lines", line=grid, hoverinfo="skip", showlegend=False
        )
    )
    label_x, label_y = points([top * 1.12] * n)
    figure.add_trace(
        go.Scatter(
            x=label_x[:-1],
            y=label_y[:-1],
            mode="text",
            text=list(axes),
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for name, values, style in series:
        xs, ys = points(values)
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines+markers",
                name=name,
                customdata=[*axes, axes[0]],
                text=[f"{v:g}" for v in [*values, values[0]]],
                hovertemplate="%{customdata}: %{text}<extra>" + name + "</extra>",
                **style,
            )
        )
    span = top * 1.35
    hidden = {"visible": False, "range": [-span, span], "fixedrange": True}
    figure.update_xaxes(**hidden)
    figure.update_yaxes(**hidden, scaleanchor="x", scaleratio=1)
    figure.update_layout(plot_bgcolor="#fff")
    return figure
