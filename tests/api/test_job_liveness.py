"""Jobs nobody works on any more are reported failed, not left "running": a worker killed from
outside (real processes, real server), and a job whose holder on another host fell silent."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import insert, select

from deskmix.api.app import create_app
from deskmix.api.settings import ServerSettings
from deskmix.api.tokens import create_token
from deskmix.calibrate.io import dump_workload
from deskmix.jobs.work import run_job
from deskmix.store import Store
from deskmix.store.jobs import JOBS
from tests.live.test_desk import TEAM
from tests.live_server import LiveServer, serve_in_thread
from tests.sim.helpers import two_domains

BEAT = 0.2  # seconds; six silent beats (1.2 s) and a job counts as abandoned


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    folder: Path = tmp_path_factory.mktemp("jobs")
    settings = ServerSettings(
        db=str(folder / "jobs.db"), sim_workers=1, job_heartbeat_seconds=BEAT, public_reads=True
    )
    app = create_app(settings)
    token = create_token(app.state.store, "jobs", ["jobs"])[0]
    with serve_in_thread(app) as live:
        yield live, token


def _client(server: tuple[LiveServer, str]) -> httpx.Client:
    live, token = server
    return httpx.Client(
        base_url=live.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    )


def _store(server: tuple[LiveServer, str]) -> Store:
    store: Store = server[0].app.state.store
    return store


def _row(store: Store, job_id: str) -> Any:
    with store.transaction() as connection:
        return connection.execute(select(JOBS).where(JOBS.c.id == job_id)).one()


def _until(check: Callable[[], Any], what: str, seconds: float = 180) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _simulation(reps: int, weeks: int) -> dict[str, object]:
    return {
        "team": yaml.safe_dump(TEAM.model_dump(mode="json")),
        "workload": dump_workload(two_domains(40, 8)),
        "reps": reps,
        "weeks": weeks,
        "warmup_weeks": 0,
        "policy": "round_robin",  # no route table: the Python loop, slow enough to catch
    }


def test_a_killed_worker_fails_its_job_and_later_jobs_still_run(
    server: tuple[LiveServer, str],
) -> None:
    store = _store(server)
    with _client(server) as http:
        started = http.post("/api/jobs/simulate", json=_simulation(reps=200, weeks=104))
        assert started.status_code == 202, started.text
        job_id = started.json()["id"]
        running = _until(
            lambda: (row := _row(store, job_id)).status == "running" and row, "a running job"
        )
        first_beat = running.heartbeat_at
        _until(lambda: _row(store, job_id).heartbeat_at > first_beat, "the worker's heartbeat")
        # One job at a time: the next one waits in the server's queue, the server beating for it.
        waiting = http.post("/api/jobs/simulate", json=_simulation(reps=2, weeks=1)).json()["id"]
        queued = _row(store, waiting)
        assert queued.status == "queued"
        _until(
            lambda: _row(store, waiting).heartbeat_at > queued.heartbeat_at,
            "the server's heartbeat for a waiting job",
        )
        pid = int(running.runner.rpartition(":")[2])
        assert pid != os.getpid()  # the worker is a process of its own
        os.kill(pid, signal.SIGKILL)
        failed = _until(
            lambda: (job := http.get(f"/api/jobs/{job_id}").json())["status"] == "failed" and job,
            "the killed job to be reported failed",
            seconds=30,
        )
        assert "stopped" in failed["error"] and "submit it again" in failed["error"]
        # The killed worker broke its pool: the waiting job starts again in a new one, and the
        # server takes new jobs instead of answering 500.
        after = http.post("/api/jobs/simulate", json=_simulation(reps=2, weeks=1))
        assert after.status_code == 202, after.text
        for later in (waiting, after.json()["id"]):
            assert _finished(http, later)["status"] == "done"
        # A worker killed while idle also breaks its pool, with no job to notice it: the next
        # submission gets a new pool instead of a 500 and a row left waiting forever.
        idle = int(_row(store, after.json()["id"]).runner.rpartition(":")[2])
        os.kill(idle, signal.SIGKILL)
        time.sleep(1.0)  # the pool's manager notices the death and marks the pool broken
        again = http.post("/api/jobs/simulate", json=_simulation(reps=2, weeks=1))
        assert again.status_code == 202, again.text
        assert _finished(http, again.json()["id"])["status"] == "done"


def test_a_worker_never_revives_a_job_another_server_failed(
    server: tuple[LiveServer, str],
) -> None:
    store = _store(server)
    now = datetime.now(UTC)
    with store.transaction() as connection:
        connection.execute(
            insert(JOBS).values(
                id="failed-elsewhere",
                kind="simulate",
                status="failed",
                params=_simulation(reps=2, weeks=1),
                progress=0,
                runner="elsewhere.example:4242",
                created_at=now,
                error="interrupted: no sign of life",
                finished_at=now,
            )
        )
    db_url = store.engine.url.render_as_string(hide_password=False)
    run_job(db_url, "failed-elsewhere", workers=1)  # a late worker, in this process
    row = _row(store, "failed-elsewhere")
    assert (row.status, row.result, row.started_at) == ("failed", None, None)


def _finished(http: httpx.Client, job_id: str) -> Any:
    def ended() -> Any:
        job = http.get(f"/api/jobs/{job_id}").json()
        return job["status"] not in ("queued", "running") and job

    return _until(ended, f"job {job_id} to finish")


def test_a_job_silent_on_another_host_is_failed_by_any_server(
    server: tuple[LiveServer, str],
) -> None:
    store = _store(server)
    now = datetime.now(UTC)
    rows = {
        "silent": ("running", now - timedelta(seconds=30)),
        "beating": ("running", now + timedelta(seconds=30)),  # its holder beats on
        "before-heartbeats": ("queued", None),  # written by a version without them
    }
    with store.transaction() as connection:
        for job_id, (status, beat) in rows.items():
            connection.execute(
                insert(JOBS).values(
                    id=job_id,
                    kind="simulate",
                    status=status,
                    params={},
                    progress=3,
                    runner="elsewhere.example:4242",
                    created_at=now - timedelta(minutes=5),
                    heartbeat_at=beat,
                )
            )
    with _client(server) as http:
        silent = http.get("/api/jobs/silent").json()
        assert silent["status"] == "failed"
        assert "no sign of life from elsewhere.example:4242" in silent["error"]
        assert http.get("/api/jobs/beating").json()["status"] == "running"
        assert http.get("/api/jobs/before-heartbeats").json()["status"] == "queued"
    assert _row(store, "silent").finished_at is not None
