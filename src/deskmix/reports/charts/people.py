"""People charts: a T-shape as a radar, who knows what as a heatmap, bus factors as bars."""

from __future__ import annotations

import plotly.graph_objects as go

from deskmix.people.assessment import Assessment
from deskmix.people.review import SkillsReview
from deskmix.reports.charts.basic import heatmap, heatmap_axes
from deskmix.reports.charts.basic import radar as figure_radar

MAX_HEATMAP_PEOPLE = 80
"""The heatmap shows at most this many people, the most skilled first."""


def radar(assessment: Assessment) -> go.Figure:
    levels = assessment.profile.levels
    domains = list(levels)
    target = assessment.path.target
    figure = go.Figure()
    figure_radar(
        figure,
        domains,
        [
            (
                f"{target.name} asks",
                [float(target.requires.get(d, 0)) for d in domains],
                {"line": {"dash": "dash", "color": "#888"}},
            ),
            (
                assessment.answers.name or "you",
                [float(levels[d]) for d in domains],
                {"fill": "toself", "line": {"color": "#2f5d8a"}},
            ),
        ],
    )
    figure.update_layout(height=520, margin={"l": 40, "r": 40, "t": 40, "b": 40})
    return figure


def matrix_heatmap(review: SkillsReview) -> go.Figure:
    combined = review.matrix.combined
    order = combined.sum(axis=1).sort_values(ascending=False).index[:MAX_HEATMAP_PEOPLE]
    shown = combined.loc[order]
    declared = review.matrix.declared.loc[order].to_numpy()
    evidence = review.matrix.evidence.loc[order].to_numpy()
    text = [
        [f"declared {int(d)}, evidence {int(e)}" for d, e in zip(drow, erow, strict=True)]
        for drow, erow in zip(declared, evidence, strict=True)
    ]
    areas = [str(a) for a in shown.columns]
    people = [str(p) for p in shown.index]
    figure = go.Figure(
        heatmap(
            shown.to_numpy(),
            areas,
            people,
            text=text,
            hovertemplate="%{y} / %{x}: level %{z}<br>%{text}<extra></extra>",
            zmin=0,
            zmax=5,
            colorbar_title="level",
        )
    )
    heatmap_axes(figure, areas, people)
    figure.update_layout(
        height=max(360, 18 * len(shown) + 160),
        margin={"l": 160, "r": 20, "t": 30, "b": 120},
    )
    return figure


def bus_factor_bars(review: SkillsReview) -> go.Figure:
    areas = review.areas
    colours = [
        "#c0392b" if a.bus_factor <= 1 else "#e6a23c" if a.bus_factor == 2 else "#3a7d44"
        for a in areas
    ]
    figure = go.Figure(
        go.Bar(
            x=[a.area for a in areas],
            y=[a.bus_factor for a in areas],
            marker_color=colours,
            customdata=[", ".join(a.covering[:6]) or "nobody" for a in areas],
            hovertemplate="%{x}: bus factor %{y}<br>%{customdata}<extra></extra>",
        )
    )
    figure.update_layout(height=420, yaxis={"title": "bus factor", "dtick": 1}, margin={"b": 120})
    return figure
