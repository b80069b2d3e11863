"""One plan behind every interface: the CLI, the API's plan job and the dashboard's plan page
recommend the same team from the same inputs, and the page opens with the demo's plan."""

from __future__ import annotations

import asyncio
import html
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from starlette.datastructures import FormData
from typer.testing import CliRunner

from deskmix.api.tokens import create_token
from deskmix.calibrate.io import dump_workload
from deskmix.cli.app import app
from deskmix.plan.request import designs_text
from deskmix.sample.demo import COSTS, OFFERS, SLA, demo_request
from deskmix.web.desk import Dashboard, sample_team
from deskmix.web.planning import TODAY, read_inputs
from tests.live_server import LiveServer
from tests.web.dashboard_http import DashboardHttp

HTMX = {"HX-Request": "true"}
SMALL = {"reps": "3", "weeks": "2", "max_designs": "6", "projects": "", "seed": "3"}


def _desk(server: LiveServer) -> Dashboard:
    desk: Dashboard = server.app.state.dashboard
    return desk


def test_cli_api_and_dashboard_recommend_the_same_team(server: LiveServer, tmp_path: Path) -> None:
    web = DashboardHttp()
    started = web.post(f"{server.base_url}/plan", data=SMALL, headers=HTMX, timeout=600)
    page = web.until_done(server.base_url, started, timeout=600)
    assert page.status_code == 200, page.text
    found = re.search(r"<h2>Recommended: (.*?)</h2>", page.text)
    assert found is not None
    on_page = html.unescape(found.group(1))

    texts = {
        "workload": dump_workload(_desk(server).workload()),
        "costs": COSTS,
        "sla": SLA,
        "msp": OFFERS,
        "compare": designs_text([(TODAY, sample_team())]),
    }
    files = {}
    for name, text in texts.items():
        files[name] = tmp_path / f"{name}.yaml"
        files[name].write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "plan",
            *("--workload", str(files["workload"]), "--costs", str(files["costs"])),
            *("--sla", str(files["sla"]), "--msp", str(files["msp"])),
            *("--compare", str(files["compare"]), "--json", "--workers", "1"),
            *("--reps", "3", "--weeks", "2", "--max-designs", "6", "--seed", "3"),
        ],
    )
    assert result.exit_code == 0, result.output
    from_cli = json.loads(result.stdout)

    token = create_token(server.app.state.store, "plan everywhere", ["jobs"])[0]
    body = {**texts, "reps": 3, "weeks": 2, "max_designs": 6, "seed": 3}
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as http:
        job = http.post("/api/jobs/plan", json=body)
        assert job.status_code == 202, job.text
        deadline = time.monotonic() + 600
        while (state := http.get(f"/api/jobs/{job.json()['id']}").json())["status"] in (
            "queued",
            "running",
        ):
            assert time.monotonic() < deadline
            time.sleep(0.5)
    assert state["status"] == "done", state.get("error")
    from_api = state["result"]

    assert from_cli["recommended"]["design"] == from_api["recommended"]["design"] == on_page
    assert from_cli["recommended"]["cost_per_week"] == from_api["recommended"]["cost_per_week"]
    assert from_cli["sla"].endswith("sla.yaml") and from_api["sla"] == "sla"
    assert [c["design"] for c in from_api["compared"]] == [TODAY]


def test_the_plan_page_opens_with_the_demos_plan(server: LiveServer) -> None:
    """Same inputs, same seed and batches: the page and ``deskmix demo`` recommend the same
    team on the sample desk (the search is the same on any back end, tests/plan)."""
    desk = _desk(server)
    # In a thread of its own: Playwright's sync API (the session's browser, if a browser test
    # ran first) keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        page = thread.submit(asyncio.run, read_inputs(FormData(), desk)).result().inputs
    demo = demo_request(desk.workload(), sample_team()).inputs()
    assert page.costs == demo.costs and page.sla == demo.sla
    assert page.offers == demo.offers and page.portfolio == demo.portfolio
    assert page.run == demo.run and page.max_designs == demo.max_designs
    assert [team for _, team in page.compared] == [team for _, team in demo.compared]
    assert page.existing is None and page.budget_per_year is None
    assert page.workload == demo.workload
