"""Triage evaluation charts: the confusion matrix and the reliability diagram of a target."""

from __future__ import annotations

import plotly.graph_objects as go

from deskmix.reports.charts.basic import heatmap, heatmap_axes
from deskmix.triage.evaluate import TargetEvaluation


def confusion_figure(evaluation: TargetEvaluation) -> go.Figure:
    s = evaluation.scores
    labels = [str(label) for label in s.labels]
    figure = go.Figure(
        heatmap(
            s.confusion,
            labels,
            labels,
            show_values=True,
            hovertemplate="true %{y}<br>predicted %{x}<br>%{z} tickets<extra></extra>",
        )
    )
    heatmap_axes(figure, labels, labels)
    figure.update_layout(
        xaxis_title="predicted",
        yaxis_title="true",
        height=max(360, 40 * len(s.labels) + 160),
    )
    return figure


def reliability_figure(evaluation: TargetEvaluation) -> go.Figure:
    bins = evaluation.scores.reliability
    figure = go.Figure()
    figure.add_bar(
        x=[(b.low + b.high) / 2 for b in bins],
        y=[b.accuracy for b in bins],
        width=[b.high - b.low for b in bins],
        name="accuracy",
        customdata=[b.count for b in bins],
        hovertemplate="confidence %{x:.2f}<br>accuracy %{y:.2f}<br>%{customdata} tickets"
        "<extra></extra>",
    )
    figure.add_scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfect calibration")
    figure.update_layout(
        xaxis_title="confidence",
        yaxis_title="accuracy",
        xaxis_range=[0, 1],
        yaxis_range=[0, 1],
        height=420,
    )
    return figure
