"""Charts of a calibration (Plotly): arrivals by hour of week, handling times against their fits.

Files are standalone HTML that load one shared local ``plotly-basic.min.js`` written beside them:
deskmix must work offline, so nothing is fetched from a CDN.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from deskmix.calibrate.fitting import frozen
from deskmix.calibrate.result import CalibrationResult
from deskmix.domain.ticket import Tier
from deskmix.domain.workload import DAYS, Workload
from deskmix.reports.charts.basic import (
    BUNDLE_FILE,
    bundle_js,
    check_figure,
    heatmap,
    heatmap_axes,
    histogram_density,
    rounded,
)

ALL_DOMAINS = "all domains"
TIERS = (Tier.GENERALIST, Tier.SPECIALIST)


def _empty(title: str, message: str) -> go.Figure:
    figure = go.Figure()
    figure.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    figure.update_layout(title=title, xaxis_visible=False, yaxis_visible=False)
    return figure


def _hourly_rates(workload: Workload) -> dict[str, np.ndarray]:
    """Expected tickets per hour (7 x 24) for each domain and for all of them."""
    weekly: dict[str, float] = {}
    for stream in workload.arrivals:
        weekly[stream.domain] = weekly.get(stream.domain, 0.0) + stream.tickets_per_week
    rates = {
        domain: (np.asarray(workload.weekly_shape(domain)) * volume).reshape(7, 24)
        for domain, volume in sorted(weekly.items(), key=lambda kv: -kv[1])
    }
    if rates:
        rates = {ALL_DOMAINS: sum(rates.values(), np.zeros((7, 24))), **rates}
    return rates


def arrival_heatmap(workload: Workload) -> go.Figure:
    """Expected arrivals per hour of the week (days x hours), with a domain selector."""
    title = f"Arrivals by hour of week: {workload.name} ({workload.timezone})"
    rates = _hourly_rates(workload)
    if not rates:
        return _empty(title, "No arrival data: the source has no opening times.")
    days = [d.capitalize() for d in DAYS]
    hours = [f"{h:02d}:00" for h in range(24)]
    figure = go.Figure()
    names = list(rates)
    group: list[int] = []  # each trace's domain: a heatmap is one trace per day
    for i, name in enumerate(names):
        rows = heatmap(
            np.round(rates[name], 3),
            hours,
            days,
            colorbar_title="tickets / hour",
            visible=i == 0,
            hovertemplate="%{y} %{x}: %{z} tickets/hour<extra>" + name + "</extra>",
        )
        figure.add_traces(rows)
        group += [i] * len(rows)
    heatmap_axes(figure, hours, days)
    buttons = [
        {
            "label": name,
            "method": "update",
            "args": [
                {"visible": [g == i for g in group]},
                {"title": {"text": f"{title}: {name}"}},
            ],
        }
        for i, name in enumerate(names)
    ]
    figure.update_layout(
        title=f"{title}: {names[0]}",
        xaxis_title="hour of day",
        # The domain menu sits at the left just above the plot: at the top right it covered
        # Plotly's own toolbar (zoom, download), which users reach for first.
        updatemenus=[
            {
                "buttons": buttons,
                "direction": "down",
                "x": 0.0,
                "xanchor": "left",
                "y": 1.02,
                "yanchor": "bottom",
            }
        ],
        margin={"t": 110},
    )
    return figure


LN10 = float(np.log(10))
HOUR_TICKS = (1 / 60, 0.1, 0.25, 0.5, 1, 2, 4, 8, 24, 72, 168, 720)


def _hours_label(hours: float) -> str:
    if hours < 1:
        return f"{hours * 60:.0f}m"
    if hours < 24:
        return f"{hours:g}h"
    return f"{hours / 24:g}d"


def handling_histograms(result: CalibrationResult) -> go.Figure:
    """Histogram of the hours behind each domain x tier fit, with the chosen density over it.

    Handling times span minutes to days, so the x axis is logarithmic (the histogram is of
    log10 hours and the fitted density is transformed to match); ticks read in hours.
    """
    workload = result.workload
    title = f"Handling times: {workload.name}"
    if not workload.handling:
        return _empty(title, "No handling times: the source has no durations to fit.")
    domains = sorted({h.domain for h in workload.handling})
    tiers = [t for t in TIERS if any(h.tier == t for h in workload.handling)]
    by_cell = {(h.domain, h.tier): h for h in workload.handling}
    titles = []
    for domain in domains:
        for tier in tiers:
            h = by_cell.get((domain, tier))
            if h is None:
                titles.append(f"{domain} / {tier.value}: no fit")
                continue
            pooled = f", pooled: {h.pooled_from}" if h.pooled_from else ""
            titles.append(
                f"{domain} / {tier.value}: {h.chosen.family}, KS {h.chosen.ks_statistic:.2f}, "
                f"n={h.observed}{pooled}"
            )
    rows = len(domains)
    figure = make_subplots(
        rows=rows,
        cols=len(tiers),
        subplot_titles=titles,
        vertical_spacing=min(0.08, 0.6 / rows),
        horizontal_spacing=0.08,
    )
    for r, domain in enumerate(domains, start=1):
        for c, tier in enumerate(tiers, start=1):
            h = by_cell.get((domain, tier))
            hours = result.durations.get((domain, tier.value))
            if h is None or hours is None or hours.size == 0:
                continue
            logs = np.log10(hours[hours > 0])
            figure.add_trace(
                histogram_density(
                    logs,
                    bins=40,
                    marker_color="#9ecae1",
                    name="observed",
                    showlegend=r == 1 and c == 1,
                    legendgroup="observed",
                ),
                row=r,
                col=c,
            )
            grid = np.linspace(float(logs.min()) - 0.3, float(logs.max()) + 0.3, 240)
            # Density of log10(X): f_X(10^y) * 10^y * ln 10.
            density = frozen(h.chosen.family, h.chosen.params).pdf(10**grid) * 10**grid * LN10
            figure.add_trace(
                go.Scatter(
                    x0=float(grid[0]),
                    dx=float(grid[1] - grid[0]),
                    y=rounded(density),
                    mode="lines",
                    line={"color": "#d62728"},
                    name="fitted density",
                    showlegend=r == 1 and c == 1,
                    legendgroup="fit",
                ),
                row=r,
                col=c,
            )
            figure.update_xaxes(
                title_text="hours (log scale)",
                tickvals=[np.log10(t) for t in HOUR_TICKS],
                ticktext=[_hours_label(t) for t in HOUR_TICKS],
                row=r,
                col=c,
            )
    figure.update_layout(title=title, height=max(400, 280 * rows), bargap=0.02)
    figure.update_annotations(font_size=11)
    return figure


def write_charts(result: CalibrationResult, directory: Path | str) -> list[Path]:
    """Write ``arrivals.html`` and ``handling.html`` plus one local ``plotly-basic.min.js``."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    (target / BUNDLE_FILE).write_text(bundle_js(), encoding="utf-8")
    written = []
    for file_name, figure in (
        ("arrivals.html", arrival_heatmap(result.workload)),
        ("handling.html", handling_histograms(result)),
    ):
        path = target / file_name
        check_figure(figure).write_html(path, include_plotlyjs=BUNDLE_FILE, full_html=True)
        written.append(path)
    return written
