"""``deskmix serve`` as a user runs it, in a process of its own: a port already taken is one
line and exit 2, and a server killed with SIGKILL leaves no worker or simulation process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from deskmix.api.tokens import create_token
from deskmix.store import open_store
from deskmix.store.jobs import JOBS
from tests.api.test_job_liveness import _simulation

SERVE = [sys.executable, "-c", "from deskmix.cli.app import main; main()", "serve"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _until(check: Callable[[], Any], what: str, seconds: float = 180) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to reap it counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run(
            [*SERVE, "--db", str(tmp_path / "d.db"), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "COLUMNS": "200"},
        )
    assert done.returncode == 2
    assert "serving" not in done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"port {port}" in lines[0] and "already in use" in lines[0]


def test_a_killed_server_leaves_no_worker_or_simulation_process(tmp_path: Path) -> None:
    db = tmp_path / "jobs.db"
    store = open_store(db)
    token = create_token(store, "jobs", ["jobs"])[0]
    port = _free_port()
    family: set[int] = set()
    server = subprocess.Popen(
        [*SERVE, "--db", str(db), "--port", str(port), "--sim-workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"

        def healthy() -> bool:
            try:
                return httpx.get(f"{base}/api/health", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        _until(healthy, "the server to answer")
        started = httpx.post(
            f"{base}/api/jobs/simulate",
            json=_simulation(reps=200, weeks=104),
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        assert started.status_code == 202, started.text

        def running() -> bool:
            with store.transaction() as connection:
                row = connection.execute(
                    select(JOBS.c.status).where(JOBS.c.id == started.json()["id"])
                ).one()
            return bool(row.status == "running")

        _until(running, "the job to run")
        # The server's job worker and, under it, the simulation's two pool processes.
        family |= _until(lambda: f if len(f := _descendants(server.pid)) >= 3 else None, "the pool")
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        _until(
            lambda: not any(_alive(pid) for pid in family),
            "the server's worker and simulation processes to end",
            seconds=20,
        )
    finally:
        if server.poll() is None:
            server.kill()
        for pid in family | _descendants(server.pid):
            if _alive(pid):  # a failed run must not leave its orphans to the next test
                os.kill(pid, signal.SIGKILL)
        store.dispose()
