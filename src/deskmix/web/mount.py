"""Attaching the dashboard to the application: static assets and the page routes."""

from __future__ import annotations

from pathlib import Path

import plotly
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from deskmix.web import overview, people, planning, simulate, triage, validate, year
from deskmix.web.desk import Dashboard

STATIC_DIR = Path(__file__).parent / "static"
PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"


def mount_web(app: FastAPI) -> None:
    """Serve the dashboard's assets and pages from ``app`` (its store is ``app.state.store``)."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Plotly's own bundle, from the installed package: one version for reports and dashboard.
    app.mount("/vendor/plotly", StaticFiles(directory=PLOTLY_DIR), name="plotly")
    app.state.dashboard = Dashboard(app.state.store)
    for module in (overview, triage, simulate, planning, year, people, validate):
        app.include_router(module.router, include_in_schema=False)
