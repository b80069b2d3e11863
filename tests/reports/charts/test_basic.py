"""The light plotly.js bundle (vendored, checked by its hash) and the charts drawn within it."""

from __future__ import annotations

import hashlib
import math

import numpy as np
import plotly.graph_objects as go
import pytest

from deskmix.reports.charts.basic import (
    BUNDLE_FILE,
    BUNDLE_SHA256,
    BUNDLE_VERSION,
    bundle_dir,
    bundle_js,
    check_figure,
    heatmap,
    heatmap_axes,
    histogram_density,
    radar,
)


def test_the_vendored_bundle_is_the_published_file() -> None:
    data = (bundle_dir() / BUNDLE_FILE).read_bytes()
    assert hashlib.sha256(data).hexdigest() == BUNDLE_SHA256
    assert f"plotly.js (basic - minified) v{BUNDLE_VERSION}" in bundle_js()[:200]
    assert "Licensed under the MIT license" in bundle_js()[:300]
    readme = (bundle_dir() / "README.md").read_text(encoding="utf-8")
    assert BUNDLE_SHA256 in readme and BUNDLE_VERSION in readme
    assert "MIT License" in (bundle_dir() / "LICENSE").read_text(encoding="utf-8")


def test_the_bundle_matches_the_pinned_plotly() -> None:
    """plotly.py's figures are written for its own plotly.js: the basic bundle is the same
    version (update both together: deskmix/data/plotly/README.md)."""
    from plotly.offline import get_plotlyjs_version

    assert get_plotlyjs_version() == BUNDLE_VERSION


def test_traces_beyond_the_bundle_are_refused_by_name() -> None:
    assert check_figure(go.Figure([go.Bar(y=[1]), go.Scatter(y=[1]), go.Pie(values=[1])]))
    with pytest.raises(ValueError, match=r"\['heatmap'\] are not in the plotly.js basic bundle"):
        check_figure(go.Figure(go.Heatmap(z=[[1]])))
    with pytest.raises(ValueError, match="scatterpolar"):
        check_figure(go.Figure(go.Scatterpolar(r=[1], theta=["a"])))


def test_a_heatmap_is_a_row_of_bars_per_row_coloured_by_value() -> None:
    z = np.array([[0.0, 1.0, 2.0], [3.0, np.nan, 5.5]])
    rows = heatmap(
        z,
        ["a", "b", "c"],
        ["top", "bottom"],
        zmin=0,
        zmax=6,
        colorbar_title="level",
        text=[["t0", "t1", "t2"], ["t3", "t4", "t5"]],
        show_values=True,
        hovertemplate="%{y} / %{x}: %{z} (%{text})<extra></extra>",
    )
    figure = heatmap_axes(check_figure(go.Figure(rows)), ["a", "b", "c"], ["top", "bottom"])
    top, bottom = figure.data
    assert (top.type, top.name, bottom.name) == ("bar", "top", "bottom")
    assert list(top.x) == ["a", "b", "c"] and list(bottom.x) == ["a", "c"]  # empty cell left out
    assert (top.base, bottom.base) == (0, 1) and list(bottom.y) == [1, 1]
    assert list(top.marker.color) == [0, 1, 2] and list(bottom.marker.color) == [3, 5.5]
    assert (bottom.marker.cmin, bottom.marker.cmax) == (0, 6)  # one scale for every row
    assert top.marker.showscale and not bottom.marker.showscale  # and one colour bar
    assert top.marker.colorbar.title.text == "level"
    assert list(bottom.text) == ["3", "5.5"] and list(bottom.customdata) == ["t3", "t5"]
    assert top.hovertemplate == (
        "%{fullData.name} / %{x}: %{marker.color} (%{customdata})<extra></extra>"
    )
    assert list(figure.layout.yaxis.ticktext) == ["top", "bottom"]
    assert list(figure.layout.yaxis.tickvals) == [0.5, 1.5]
    assert list(figure.layout.yaxis.range) == [2, 0]  # first row on top


def test_a_histogram_sends_its_bins_not_its_values() -> None:
    values = np.random.default_rng(7).lognormal(size=5000)
    bar = histogram_density(values, bins=40)
    assert bar.x is None and len(bar.y) == 40 and isinstance(bar.y[0], float)
    _, edges = np.histogram(values, bins=40)
    assert math.isclose(bar.x0, (edges[0] + edges[1]) / 2) and math.isclose(bar.dx, bar.width)
    assert math.isclose(sum(bar.y) * bar.width, 1.0, rel_tol=1e-3)  # a density, 4 digits


def test_a_radar_draws_a_closed_line_per_series_on_a_round_grid() -> None:
    figure = radar(go.Figure(), ["n", "e", "s", "w"], [("you", [5, 0, 2, 0], {})])
    assert check_figure(figure).data[-1].name == "you"
    you = figure.data[-1]
    assert math.isclose(you.x[0], 0.0, abs_tol=1e-9) and math.isclose(you.y[0], 5.0)  # "n" up
    assert math.isclose(you.y[2], -2.0)  # "s" down
    assert (you.x[-1], you.y[-1]) == (you.x[0], you.y[0])  # closed
    assert len(figure.data) == 5 + 1 + 1 + 1  # five rings, the spokes, the labels, the series
    assert figure.layout.yaxis.scaleanchor == "x"
