"""The simulate and plan pages' runs are background jobs: rows in the store the API lists,
polled by the page until it shows the result the job stored."""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from deskmix.api.app import create_app
from deskmix.api.settings import ServerSettings
from deskmix.api.tokens import create_token
from tests.live_server import LiveServer, serve_in_thread
from tests.reports.htmlcheck import Page
from tests.web.dashboard_http import csrf_of, polled_url

RUN = {"team": "sample", "reps": "2", "weeks": "1", "load": "1.2", "seed": "5"}


@pytest.fixture(scope="module")
def private(sample_db: Path) -> Iterator[tuple[LiveServer, str]]:
    """A server without public reads (its default) and a read token for it."""
    app = create_app(ServerSettings(db=str(sample_db)))
    token = create_token(app.state.store, "simulate job test", ["read"])[0]
    with serve_in_thread(app) as live:
        yield live, token


def _finished(http: httpx.Client, started: httpx.Response) -> tuple[str, httpx.Response]:
    """The job's id and the fragment the page ends with, polled as htmx does."""
    url = polled_url(started.text)
    assert url is not None and "/jobs/" in url, started.text
    shown = started
    for _ in range(600):
        shown = http.get(url, headers={"HX-Request": "true"})
        if polled_url(shown.text) is None:
            break
        time.sleep(0.5)
    assert polled_url(shown.text) is None, "the job did not end"
    return url.rsplit("/", 1)[1], shown


def _job(http: httpx.Client, token: str, job_id: str) -> dict[str, Any]:
    """The job as ``GET /api/jobs`` lists it, read with the read token."""
    jobs = http.get("/api/jobs", headers={"Authorization": f"Bearer {token}"})
    assert jobs.status_code == 200
    (job,) = [j for j in jobs.json() if j["id"] == job_id]
    assert isinstance(job, dict)
    return job


def _signed_in(http: httpx.Client, token: str) -> str:
    """Sign the client in with ``token``; the session's CSRF token for the page's POSTs."""
    form = csrf_of(http.get("/signin").text)
    assert http.post("/signin", data={"token": token, "csrf": form}).status_code == 303
    return csrf_of(http.get("/simulate").text)


def test_the_page_runs_its_simulation_as_a_job_and_shows_what_the_job_stored(
    private: tuple[LiveServer, str],
) -> None:
    server, token = private
    with httpx.Client(base_url=server.base_url, timeout=120) as http:
        htmx = {"HX-Request": "true", "X-CSRF-Token": _signed_in(http, token)}
        started = http.post("/simulate", data=RUN, headers=htmx)
        assert started.status_code == 200, started.text
        url = polled_url(started.text)
        assert url is not None and url.startswith("/simulate/jobs/"), started.text
        assert "simulating" in started.text and 'id="kpi-table"' not in started.text
        job_id = url.rsplit("/", 1)[1]
        for _ in range(240):
            shown = http.get(url, headers={"HX-Request": "true"})
            assert shown.status_code == 200, shown.text
            if polled_url(shown.text) is None:
                break
            assert "replications" in shown.text  # the progress while it runs
            time.sleep(0.5)
        assert polled_url(shown.text) is None, "the job did not end"
        assert 'id="kpi-table"' in shown.text and "<html" not in shown.text

        # The API lists the page's run as a job row, with the result the page drew.
        auth = {"Authorization": f"Bearer {token}"}
        jobs = http.get("/api/jobs", headers=auth)
        assert jobs.status_code == 200
        (job,) = [j for j in jobs.json() if j["id"] == job_id]
        assert job["kind"] == "dashboard-simulate" and job["status"] == "done"
        scenarios = job["result"]["scenarios"]
        assert [s["name"] for s in scenarios] == ["baseline", "load x1.2"]
        assert all(len(s["backlog"]) > 0 for s in scenarios)
        assert http.get(f"/api/jobs/{job_id}").status_code == 401  # the token is needed

    # The table's cells are the stored means and 95% half-widths.
    cells = Page(shown.text).cells
    for scenario in scenarios:
        stored = scenario["kpis"]["sla_resolution"]
        cell = f"{100 * stored['mean']:.1f}% ± {100 * stored['half_width']:.1f}"
        assert cell in cells, (cell, cells)


def test_a_job_that_is_not_the_pages_is_not_shown(private: tuple[LiveServer, str]) -> None:
    server, token = private
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        _signed_in(http, token)
        answer = http.get("/simulate/jobs/no-such-job", headers={"HX-Request": "true"})
        assert answer.status_code == 422
        assert "no simulation &#39;no-such-job&#39;" in answer.text
        assert 'role="alert"' in answer.text


def test_the_plan_page_runs_its_plan_as_a_job_and_shows_what_the_job_stored(
    private: tuple[LiveServer, str],
) -> None:
    server, token = private
    form = {"reps": "3", "weeks": "2", "max_designs": "4", "projects": ""}
    with httpx.Client(base_url=server.base_url, timeout=300) as http:
        htmx = {"HX-Request": "true", "X-CSRF-Token": _signed_in(http, token)}
        started = http.post("/plan", data=form, headers=htmx)
        assert started.status_code == 200, started.text
        assert "planning" in started.text and 'id="designs-table"' not in started.text
        job_id, shown = _finished(http, started)
        assert shown.status_code == 200, shown.text
        job = _job(http, token, job_id)
    assert job["kind"] == "dashboard-plan" and job["status"] == "done"
    stored = job["result"]["page"]
    assert job["result"]["recommended"]  # the plan job's own result, beside the page's
    assert f"<h2>Recommended: {html.escape(stored['labels']['recommended'])}</h2>" in shown.text
    cells = Page(shown.text).cells
    for row in stored["rows"]:
        for name in stored["names"]:
            assert str(row[name]) in cells, (row["KPI"], name)
    assert set(stored["figures"]) == {"path", "sla", "cost", "frontier"}
    assert shown.text.count('class="chart"') == 3  # no budget: no frontier


def test_the_year_page_runs_its_plan_as_a_job_and_shows_what_the_job_stored(
    private: tuple[LiveServer, str],
) -> None:
    server, token = private
    form = {"growth": "0.4", "quarters": "2", "reps": "3", "weeks": "2", "max_designs": "4"}
    with httpx.Client(base_url=server.base_url, timeout=300) as http:
        htmx = {"HX-Request": "true", "X-CSRF-Token": _signed_in(http, token)}
        started = http.post("/year", data=form, headers=htmx)
        assert started.status_code == 200, started.text
        assert "planning the year" in started.text and 'id="year-table"' not in started.text
        job_id, shown = _finished(http, started)
        assert shown.status_code == 200, shown.text
        job = _job(http, token, job_id)
    assert job["kind"] == "dashboard-plan-year" and job["status"] == "done"
    plan = job["result"]
    assert len(plan["quarters"]) == 2
    heading = f"<h2>2 quarters: {plan['total_cost']:,.0f} {plan['currency']} in all</h2>"
    assert heading in shown.text
    cells = Page(shown.text).cells
    for quarter in plan["quarters"]:
        assert f"{quarter['cost_per_week']:,.0f}" in cells
