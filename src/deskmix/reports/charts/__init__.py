"""Plotly figures of every report and dashboard page, one module per feature.

``basic`` is the plotly.js light bundle itself and the chart shapes it lacks; every other module
draws one feature's figures with it, and the reports and the dashboard both call them.
"""
