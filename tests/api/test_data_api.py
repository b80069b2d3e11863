"""Imports, stored tickets, triage and background jobs over HTTP, and their refusals."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from typer.testing import CliRunner

from deskmix.api.app import create_app
from deskmix.api.settings import ServerSettings
from deskmix.calibrate.io import dump_workload
from deskmix.cli.app import app as cli
from deskmix.importers.servicenow import import_servicenow
from deskmix.triage.text import ticket_text
from tests.api.conftest import UPLOAD_LIMIT, Api
from tests.live.test_desk import TEAM
from tests.live_server import serve_in_thread
from tests.sim.helpers import two_domains

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
INCIDENTS = FIXTURES / "servicenow" / "incidents.csv"


def _upload(
    http: httpx.Client, name: str, content: bytes, source: str = "servicenow"
) -> httpx.Response:
    return http.post("/api/imports", files={"file": (name, content)}, data={"source": source})


def test_import_then_page_and_filter_tickets(api: Api) -> None:
    with api.client("import") as http:
        first = _upload(http, "incidents.csv", INCIDENTS.read_bytes())
        assert first.status_code == 200, first.text
        imported = first.json()
        expected = import_servicenow(INCIDENTS).ticket_count  # what the CLI's importer reads
        assert imported["tickets_added"] == expected and imported["file_name"] == "incidents.csv"
        again = _upload(http, "incidents.csv", INCIDENTS.read_bytes()).json()
        assert again["already_imported"] and again["tickets_added"] == 0
    with api.client() as anonymous:  # reads are open by default
        page = anonymous.get("/api/tickets", params={"page_size": 4}).json()
        assert page["total"] == expected and len(page["items"]) == 4
        rest = anonymous.get("/api/tickets", params={"page_size": 4, "page": 2}).json()
        assert len(rest["items"]) == expected - 4
        assert not {t["id"] for t in rest["items"]} & {t["id"] for t in page["items"]}
        domain = next(t["domain"] for t in page["items"] + rest["items"] if t["domain"])
        same = anonymous.get("/api/tickets", params={"domain": domain}).json()
        assert same["total"] >= 1 and {t["domain"] for t in same["items"]} == {domain}
        recent = anonymous.get(
            "/api/tickets", params={"opened_from": "2024-03-05T00:00:00Z", "status": "closed"}
        ).json()
        assert all(t["opened_at"] >= "2024-03-05" and t["closed_at"] for t in recent["items"])
        one = anonymous.get(f"/api/tickets/{page['items'][0]['id']}").json()
        assert one == page["items"][0]
        assert anonymous.get("/api/tickets/999999").status_code == 404
        naive = anonymous.get("/api/tickets", params={"opened_from": "2024-03-05T00:00:00"})
        assert naive.status_code == 422 and "opened_from" in naive.json()["detail"]
        bad = anonymous.get("/api/tickets", params={"priority": "P9", "page_size": 0})
        assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {
            "query 'priority'",
            "query 'page_size'",
        }


def test_bad_uploads_are_refused_and_nothing_is_written(api: Api) -> None:
    before = api.counts()
    rows = INCIDENTS.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = (
        rows[0] + rows[1].replace("2024-03-04 09:10:00", "yesterday-ish", 1) + "".join(rows[2:])
    )
    with api.client("import") as http:
        bad = _upload(http, "broken.csv", broken.encode())
        assert bad.status_code == 422
        assert "broken.csv" in bad.json()["detail"] and "opened_at" in bad.json()["detail"]
        huge = _upload(http, "huge.csv", b"x" * (UPLOAD_LIMIT + 1))
        assert huge.status_code == 413 and "limit" in huge.json()["detail"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            yield (
                b'--xyz\r\nContent-Disposition: form-data; name="source"\r\n\r\n'
                b'servicenow\r\n--xyz\r\nContent-Disposition: form-data; name="file"; '
                b'filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n'
            )
            for _ in range(UPLOAD_LIMIT // 10_000 + 5):
                yield b"y" * 10_000
            yield b"\r\n--xyz--\r\n"

        chunked = http.post(
            "/api/imports",
            content=chunks(),
            headers={"Content-Type": "multipart/form-data; boundary=xyz"},
        )
        assert chunked.status_code == 413
        unknown = _upload(http, "a.csv", b"a,b\n1,2\n", source="excel")
        assert unknown.status_code == 422 and "unknown source" in unknown.json()["detail"]
        no_mapping = _upload(http, "a.csv", b"a,b\n1,2\n", source="csv")
        assert no_mapping.status_code == 422 and "mapping" in no_mapping.json()["detail"]
        odd = http.post(
            "/api/imports",
            files={"file": ("../" + "é" * 300 + "\x00.csv", INCIDENTS.read_bytes())},
            data={"source": "servicenow", "encoding": "utf\x008"},
        )
        assert odd.status_code == 422 and "encoding" in odd.json()["detail"]
        no_file = http.post("/api/imports", data={"source": "servicenow"})
        assert no_file.status_code == 422 and "body 'file'" in no_file.json()["detail"]
    with api.client("route") as wrong_scope:
        assert _upload(wrong_scope, "incidents.csv", INCIDENTS.read_bytes()).status_code == 403
    assert api.counts() == before


@pytest.mark.parametrize(
    ("source", "name", "count"),
    [
        ("freshservice", "tickets.json", 4),
        ("freshservice", "tickets.csv", 3),
        ("glpi", "tickets.json", 3),
        ("glpi", "tickets.csv", 3),
    ],
)
def test_freshservice_and_glpi_exports_upload(api: Api, source: str, name: str, count: int) -> None:
    export = FIXTURES / source / name
    with api.client("import") as http:
        answer = _upload(http, f"{source}-{name}", export.read_bytes(), source=source)
        assert answer.status_code == 200, answer.text
        assert answer.json()["tickets_added"] == count
        bad = _upload(http, f"bad-{name}", export.read_bytes()[:40], source=source)
        assert bad.status_code == 422 and "\n" not in bad.json()["detail"]


def test_triage_one_and_many(api: Api) -> None:
    with api.client() as http:
        one = http.post("/api/triage", json={"text": "VPN drops every few minutes at home"}).json()
        assert one["answers"]["domain"]["label"] == "network"
        assert set(one["answers"]) == {"domain", "tier", "priority"}
        assert one["queue"] in ("auto", "human")  # "human" when a target abstains
        many = http.post(
            "/api/triage/batch",
            json={
                "tickets": [
                    {"id": "1", "text": "reset my password"},
                    {"text": "disk full on db01"},
                ],
                "targets": ["domain"],
                "threshold": 0.99,
            },
        ).json()["results"]
        assert [r["id"] for r in many] == ["1", None]
        assert all(set(r["answers"]) == {"domain"} for r in many)
        assert any(r["abstain"] for r in many)  # a 0.99 threshold makes it unsure somewhere
        empty = http.post("/api/triage/batch", json={"tickets": [{"text": "ok"}, {"text": "   "}]})
        assert empty.status_code == 422 and "row 2" in empty.json()["detail"]
        too_many = http.post("/api/triage/batch", json={"tickets": []})
        assert too_many.status_code == 422


def test_triage_reads_title_and_description_as_training_did(api: Api) -> None:
    title, body = "VPN keeps dropping", "since this morning the client disconnects at home"
    with api.client() as http:
        split = http.post("/api/triage", json={"title": title, "description": body})
        joined = http.post("/api/triage", json={"text": ticket_text(title, body)})
        assert split.status_code == 200, split.text
        assert split.json() == joined.json()
        batch = http.post(
            "/api/triage/batch", json={"tickets": [{"title": title}, {"description": body}]}
        )
        assert batch.status_code == 200, batch.text
        both = http.post("/api/triage", json={"text": title, "title": title})
        assert both.status_code == 422 and "not both" in both.text
        neither = http.post("/api/triage", json={"threshold": 0.5})
        assert neither.status_code == 422 and "'title'" in neither.text


def test_simulation_job_runs_and_its_status_outlives_the_server(api: Api, tmp_path: Path) -> None:
    team = yaml.safe_dump(TEAM.model_dump(mode="json"))
    body = {
        "team": team,
        "workload": dump_workload(two_domains(40, 8)),
        "reps": 2,
        "weeks": 1,
        "warmup_weeks": 0,
        "scenarios": [{"name": "double load", "load": 2.0}],
    }
    before = api.counts()
    with api.client("jobs") as http:
        bad = http.post("/api/jobs/simulate", json={**body, "workload": "arrivals: 3"})
        assert bad.status_code == 422 and "workload" in bad.json()["detail"]
        assert http.post("/api/jobs/simulate", json={**body, "reps": 1}).status_code == 422
        assert api.counts() == before  # refused input made no job
        started = http.post("/api/jobs/simulate", json=body)
        assert started.status_code == 202, started.text
        job_id = started.json()["id"]
        assert started.json()["status"] in ("queued", "running")
        deadline = time.monotonic() + 240
        job = started.json()
        while job["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.5)
            job = http.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "done", job
    names = [s["name"] for s in job["result"]["scenarios"]]
    assert names == ["baseline", "double load"]
    base, doubled = (s["kpis"]["tickets"]["mean"] for s in job["result"]["scenarios"])
    assert doubled > base  # the same seed with twice the arrivals
    # Another server process on the same store reads the same job.
    other = create_app(ServerSettings(db=api.server.app.state.settings.db, public_reads=True))
    with serve_in_thread(other) as server:
        again = httpx.get(f"{server.base_url}/api/jobs/{job_id}").json()
        assert again["status"] == "done" and again["result"] == job["result"]
        assert httpx.get(f"{server.base_url}/api/jobs/not-a-job").status_code == 404
    with api.client("route") as wrong_scope:
        assert wrong_scope.post("/api/jobs/simulate", json=body).status_code == 403


def test_tokens_from_the_cli_are_hashed_scoped_and_revocable(tmp_path: Path) -> None:
    db = str(tmp_path / "tokens.db")
    runner = CliRunner()
    made = runner.invoke(cli, ["token", "create", "--name", "ci", "--scope", "read", "--db", db])
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[-1]
    assert secret.startswith("dmx_")
    assert (
        runner.invoke(
            cli, ["token", "create", "--name", "x", "--scope", "root", "--db", db]
        ).exit_code
        == 2
    )
    listed = runner.invoke(cli, ["token", "list", "--db", db])
    assert "ci" in listed.output and secret not in listed.output
    assert secret.encode() not in Path(db).read_bytes()  # only the hash is stored
    app = create_app(ServerSettings(db=db))  # reads are private: the default
    with serve_in_thread(app) as server:
        url = f"{server.base_url}/api/tickets"
        assert httpx.get(url).status_code == 401
        assert httpx.get(url, headers={"Authorization": f"Bearer {secret}"}).status_code == 200
        assert runner.invoke(cli, ["token", "revoke", "1", "--db", db]).exit_code == 0
        time.sleep(2.1)  # verified tokens are remembered for 2 s
        revoked = httpx.get(url, headers={"Authorization": f"Bearer {secret}"})
        assert revoked.status_code == 401
    assert runner.invoke(cli, ["token", "revoke", "99", "--db", db]).exit_code == 2


def test_openapi_documents_security_and_errors(api: Api) -> None:
    schema = httpx.get(f"{api.server.base_url}/openapi.json").json()
    writes = {
        (path, method)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("post", "put") and path.startswith("/api/")
    }
    assert ("/api/route", "post") in writes and ("/api/imports", "post") in writes
    for path, method in writes:
        operation = schema["paths"][path][method]
        assert operation.get("summary"), path
        assert operation.get("security"), (path, method)
        if not path.startswith("/api/triage"):
            assert {"401", "403", "422"} <= set(operation["responses"]), (path, method)


def _wait(http: httpx.Client, job_id: str) -> dict[str, object]:
    deadline = time.monotonic() + 240
    while True:
        job: dict[str, object] = http.get(f"/api/jobs/{job_id}").json()
        if job["status"] not in ("queued", "running") or time.monotonic() > deadline:
            return job
        time.sleep(0.5)


def test_plan_jobs_report_the_design_or_why_none_fits(api: Api) -> None:
    easy = (
        "targets:\n"
        "  - {priority: P2, response_hours: 72, resolution_hours: 120, share: 0.3}\n"
        "  - {priority: P3, response_hours: 72, resolution_hours: 120, share: 0.3}\n"
    )
    body = {
        "workload": dump_workload(two_domains(40, 8)),
        "costs": "generalist: 30\nspecialist: 60\n",
        "sla": easy,
        "reps": 3,
        "weeks": 2,
        "max_designs": 10,
    }
    with api.client("jobs") as http:
        bad = http.post("/api/jobs/plan", json={**body, "costs": "generalist: -1"})
        assert bad.status_code == 422 and "costs" in bad.json()["detail"]
        done = _wait(http, http.post("/api/jobs/plan", json=body).json()["id"])
        instant = easy.replace("response_hours: 72", "response_hours: 0.001")
        impossible = {**body, "sla": instant.replace("share: 0.3", "share: 1.0"), "max_designs": 3}
        failed = _wait(http, http.post("/api/jobs/plan", json=impossible).json()["id"])
    assert done["status"] == "done", done.get("error")
    result = done["result"]
    assert isinstance(result, dict) and result["recommended"]["feasible"]
    assert result["team"]["agents"] and result["reasons"]
    assert failed["status"] == "failed" and "no design met every SLA" in str(failed["error"])


def test_plan_jobs_accept_a_portfolio_and_report_its_projects(api: Api) -> None:
    projects = (
        "reserved_share: 0.2\n"
        "projects:\n"
        "  - {name: Refresh, domains: [network], effort_hours: 30, earliest_start: 2025-01-06,\n"
        "     due: 2025-01-31}\n"
    )
    easy = (
        "targets:\n"
        "  - {priority: P2, response_hours: 72, resolution_hours: 120, share: 0.3}\n"
        "  - {priority: P3, response_hours: 72, resolution_hours: 120, share: 0.3}\n"
    )
    body = {
        "workload": dump_workload(two_domains(40, 8)),
        "costs": "generalist: 30\nspecialist: 60\n",
        "sla": easy,
        "reps": 3,
        "weeks": 2,
        "max_designs": 10,
        "projects": projects,
    }
    with api.client("jobs") as http:
        bad = http.post(
            "/api/jobs/plan", json={**body, "projects": projects.replace("[network]", "[x]")}
        )
        assert bad.status_code == 422 and "projects.0.domains" in bad.json()["detail"]
        done = _wait(http, http.post("/api/jobs/plan", json=body).json()["id"])
    assert done["status"] == "done", done.get("error")
    result = done["result"]
    assert isinstance(result, dict) and result["run"]["reserved_share"] == 0.2
    rows = result["projects"]["projects"]
    assert [r["name"] for r in rows] == ["Refresh"] and result["projects"]["notes"]


def test_plan_jobs_in_budget_mode_return_the_frontier(api: Api) -> None:
    body = {
        "workload": dump_workload(two_domains(40, 8)),
        "costs": "generalist: 30\nspecialist: 60\n",
        "reps": 3,
        "weeks": 2,
        "max_designs": 10,
    }
    with api.client("jobs") as http:
        bad = http.post("/api/jobs/plan", json={**body, "budget_per_year": -5})
        assert bad.status_code == 422
        done = _wait(
            http,
            http.post("/api/jobs/plan", json={**body, "budget_per_year": 400_000}).json()["id"],
        )
        poor = _wait(
            http, http.post("/api/jobs/plan", json={**body, "budget_per_year": 100}).json()["id"]
        )
    assert done["status"] == "done", done.get("error")
    result = done["result"]
    assert isinstance(result, dict) and result["budget_per_year"] == 400_000
    assert result["recommended"]["cost_per_week"]["mean"] * 52 <= 400_000
    chosen = [p for p in result["frontier"] if p["design"] == result["recommended"]["design"]]
    assert chosen and chosen[0]["pareto"] and chosen[0]["within_budget"]
    assert poor["status"] == "failed" and "cheapest possible design" in str(poor["error"])


def test_a_server_started_with_dask_plans_on_the_cluster(tmp_path: Path) -> None:
    """``deskmix serve --dask``: a plan job's candidates run on a real Dask scheduler."""
    from distributed import LocalCluster

    from deskmix.api.tokens import create_token
    from tests.live_server import serve_in_thread

    body = {
        "workload": dump_workload(two_domains(40, 8)),
        "costs": "generalist: 30\nspecialist: 60\n",
        "sla": "targets:\n"
        "  - {priority: P2, response_hours: 72, resolution_hours: 120, share: 0.3}\n"
        "  - {priority: P3, response_hours: 72, resolution_hours: 120, share: 0.3}\n",
        "reps": 3,
        "weeks": 2,
        "max_designs": 10,
    }
    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=1, threads_per_worker=2, processes=False, protocol="tcp", dashboard_address=None
    ) as cluster:
        settings = ServerSettings(
            db=str(tmp_path / "dask.db"), dask=cluster.scheduler_address, sim_workers=1
        )
        app = create_app(settings)
        token = create_token(app.state.store, "planner", ["jobs", "read"])[0]  # starts and reads
        with (
            serve_in_thread(app) as server,
            httpx.Client(
                base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
            ) as http,
        ):
            done = _wait(http, http.post("/api/jobs/plan", json=body).json()["id"])
        ran_there = set(cluster.scheduler.task_prefixes)  # kinds of task the scheduler ran
    assert done["status"] == "done", done.get("error")
    result = done["result"]
    assert isinstance(result, dict)
    assert "Dask" in str(result["simulated_on"]) and cluster.scheduler_address in str(
        result["simulated_on"]
    )
    assert any("run_task" in name for name in ran_there), ran_there


def test_plan_year_jobs_plan_each_quarter_with_dated_hires(api: Api) -> None:
    body = {
        "workload": dump_workload(two_domains(40, 8)),
        "costs": "generalist: 30\nspecialist: 60\n",
        "sla": (
            "targets:\n"
            "  - {priority: P2, response_hours: 72, resolution_hours: 120, share: 0.3}\n"
            "  - {priority: P3, response_hours: 72, resolution_hours: 120, share: 0.3}\n"
        ),
        "growth": 0.4,
        "quarters": 2,
        "start": "2027-01-04",
        "reps": 3,
        "weeks": 2,
        "max_designs": 8,
    }
    with api.client("jobs") as http:
        bad = http.post("/api/jobs/plan-year", json={**body, "quarters": 9})
        assert bad.status_code == 422
        done = _wait(http, http.post("/api/jobs/plan-year", json=body).json()["id"])
    assert done["status"] == "done", done.get("error")
    assert done["kind"] == "plan-year"
    result = done["result"]
    assert isinstance(result, dict)
    quarters = result["quarters"]
    assert len(quarters) == 2
    heads = [q["headcount"] for q in quarters]
    assert heads == sorted(heads) and heads[0] > 0  # people are added, never removed
    assert result["team"]["agents"] and result["total_cost"] > 0
