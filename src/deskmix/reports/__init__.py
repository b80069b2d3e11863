"""Self-contained HTML reports: one file with its styles and charts, readable offline.

Presentation lives here, one module per feature: ``reports/<feature>.py`` builds a feature's
report (sections, tables, plain-words text), ``reports/charts/<feature>.py`` draws its Plotly
figures (which the dashboard's pages show too), and ``reports/charts/basic.py`` is the light
plotly.js bundle every chart is drawn within.
"""

from deskmix.reports.document import Report

__all__ = ["Report"]
