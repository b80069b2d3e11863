"""Attaching the dashboard to the application: static assets and the page routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from deskmix.reports.charts.basic import bundle_dir
from deskmix.web import (
    compare,
    overview,
    people,
    planning,
    signin,
    simulate,
    triage,
    validate,
    year,
)
from deskmix.web.desk import Dashboard
from deskmix.web.rendering import is_htmx
from deskmix.web.session import (
    BrowserCookie,
    CsrfRefusedError,
    SignInRequiredError,
    dashboard_access,
    sign_in_url,
)

STATIC_DIR = Path(__file__).parent / "static"
PLOTLY_DIR = Path(str(bundle_dir()))


def mount_web(app: FastAPI) -> None:
    """Serve the dashboard's assets and pages from ``app`` (its store is ``app.state.store``)."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # plotly.js's basic bundle, vendored (deskmix/data/plotly): the one reports inline too.
    app.mount("/vendor/plotly", StaticFiles(directory=PLOTLY_DIR), name="plotly")
    app.state.dashboard = Dashboard(app.state.store)
    app.add_middleware(BrowserCookie)
    app.include_router(signin.router, include_in_schema=False)
    for module in (overview, triage, simulate, planning, year, people, validate, compare):
        app.include_router(
            module.router, include_in_schema=False, dependencies=[Depends(dashboard_access)]
        )

    @app.exception_handler(SignInRequiredError)
    async def _sign_in(request: Request, exc: SignInRequiredError) -> Response:
        target = sign_in_url(exc.next_path)
        if is_htmx(request):  # htmx would swap the sign-in page into a fragment: go there whole
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(CsrfRefusedError)
    async def _forged(_request: Request, _exc: CsrfRefusedError) -> Response:
        return HTMLResponse(
            "<!DOCTYPE html><title>Form refused</title><p>This form was not sent from this "
            "dashboard's own page (or the page is from an earlier session): reload the page "
            "and send it again.</p>",
            status_code=403,
        )
