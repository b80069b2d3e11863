"""Concurrent routing over HTTP never hands one agent two tickets nor loses an update.

Real clients (threads with their own httpx connections) against a real uvicorn server on a
real database: every routed ticket ends up assigned once or queued, and, over the whole run,
the tickets each agent held never overlap in time.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from deskmix.api.app import create_app
from deskmix.api.settings import ServerSettings
from deskmix.api.tokens import create_token
from deskmix.store import Store
from deskmix.store.live_repository import AGENTS, TICKETS
from tests.live.test_desk import TEAM
from tests.live_server import LiveServer, serve_in_thread

CLIENTS = 10
ROUTES_PER_CLIENT = 20


def _team_yaml() -> str:
    import yaml

    return yaml.safe_dump(TEAM.model_dump(mode="json"))


def _hammer(server: LiveServer, token: str, policy: str) -> tuple[list[str], list[str]]:
    """Every client routes tickets and completes what it holds; returns keys and failures."""
    headers = {"Authorization": f"Bearer {token}"}
    loaded = httpx.put(
        f"{server.base_url}/api/live/team",
        json={"team": _team_yaml(), "policy": policy, "reset": True},
        headers=headers,
    )
    assert loaded.status_code == 200, loaded.text
    routed: list[str] = []
    failures: list[str] = []
    start = threading.Barrier(CLIENTS)

    def client(number: int) -> None:
        rng = random.Random(number)
        held: list[str] = []
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as http:
            start.wait()
            for i in range(ROUTES_PER_CLIENT):
                key = f"c{number}-{i}"
                body = {
                    "id": key,
                    "domain": rng.choice(["end_user", "network"]),
                    "tier": rng.choice(["generalist", "specialist"]),
                    "priority": rng.randint(1, 5),
                }
                answer = http.post("/api/route", json=body)
                if answer.status_code != 200:
                    failures.append(f"route {key}: {answer.status_code} {answer.text}")
                    continue
                routed.append(key)
                data = answer.json()
                if data["ticket"]["state"] in ("assigned", "msp"):
                    held.append(key)
                held += [t["id"] for t in data["handed"]]
                # Complete about half of what is held, so queues build up and drain.
                while held and rng.random() < 0.6:
                    done = http.post(f"/api/live/tickets/{held.pop()}/complete")
                    if done.status_code != 200:
                        failures.append(f"complete: {done.status_code} {done.text}")
                        continue
                    held += [t["id"] for t in done.json()["handed"]]

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return routed, failures


def _assert_consistent(store: Store, routed: list[str]) -> None:
    with store.transaction() as conn:
        tickets = conn.execute(select(TICKETS)).all()
        agents = conn.execute(select(AGENTS)).all()
    keys = [t.key for t in tickets]
    assert sorted(keys) == sorted(routed)  # each routed ticket stored exactly once
    assert {t.state for t in tickets} <= {"assigned", "queued", "msp", "done"}
    # Now: one ticket per agent, and both sides of each assignment agree.
    assigned = {t.agent_id: t.id for t in tickets if t.state == "assigned"}
    assert len(assigned) == sum(1 for t in tickets if t.state == "assigned")
    assert {a.id: a.ticket_id for a in agents if a.ticket_id is not None} == assigned
    # Over the run: the holds of each agent never overlap (no double assignment, ever).
    holds: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for t in tickets:
        if t.agent_id is not None and t.assigned_at is not None:
            end = t.done_at.timestamp() if t.done_at else float("inf")
            holds[t.agent_id].append((t.assigned_at.timestamp(), end))
    for spans in holds.values():
        spans.sort()
        assert all(b[0] >= a[1] for a, b in itertools.pairwise(spans)), spans


@pytest.fixture(params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[LiveServer, str]]:
    db = str(tmp_path / "c.db") if request.param == "sqlite" else request.getfixturevalue("pg_url")
    app = create_app(ServerSettings(db=db))
    token, _ = create_token(app.state.store, "load", ["admin"])
    with serve_in_thread(app) as server:
        yield server, token


def test_concurrent_clients_never_double_assign(served: tuple[LiveServer, str]) -> None:
    server, token = served
    routed, failures = _hammer(server, token, "skills_based")
    assert failures == []
    assert len(routed) == CLIENTS * ROUTES_PER_CLIENT
    _assert_consistent(server.app.state.store, routed)


def test_refusals_in_concurrent_batches_get_their_own_4xx(served: tuple[LiveServer, str]) -> None:
    """Clients send good and bad routing requests at once, so batches mix them: each bad one
    gets its own 404/409 with its message, and every good one is applied."""
    server, token = served
    headers = {"Authorization": f"Bearer {token}"}
    loaded = httpx.put(
        f"{server.base_url}/api/live/team",
        json={"team": _team_yaml(), "policy": "skills_based", "reset": True},
        headers=headers,
    )
    assert loaded.status_code == 200, loaded.text
    answers: list[tuple[str, int, str]] = []
    start = threading.Barrier(CLIENTS)

    def client(number: int) -> None:
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as http:
            start.wait()
            for i in range(5):
                key = f"r{number}-{i}"
                body = {"id": key, "domain": "security", "tier": "specialist", "priority": 2}
                requests: list[tuple[str, str, dict[str, Any] | None]] = [
                    ("route", "/api/route", body),
                    ("unknown", f"/api/live/tickets/x{key}/complete", None),
                    ("duplicate", "/api/route", body),
                    ("complete", f"/api/live/tickets/{key}/complete", None),
                    ("again", f"/api/live/tickets/{key}/complete", None),
                ]
                for kind, path, payload in requests:
                    answer = http.post(path, json=payload)
                    failed = answer.status_code >= 400
                    answers.append(
                        (kind, answer.status_code, answer.json()["detail"] if failed else "")
                    )

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = {"route": 200, "unknown": 404, "duplicate": 409, "complete": 200, "again": 409}
    assert len(answers) == CLIENTS * 5 * 5
    for kind, status, detail in answers:
        assert status == expected[kind], (kind, status, detail)
        if kind == "unknown":
            assert "no live ticket 'xr" in detail
        elif kind == "duplicate":
            assert "was already routed" in detail
        elif kind == "again":
            assert "is already completed" in detail
    with server.app.state.store.transaction() as conn:
        states = conn.execute(select(TICKETS.c.state)).scalars().all()
    assert states == ["done"] * (CLIENTS * 5)  # security goes to the MSP; all completed
    assert server.app.state.live_desk.batches < server.app.state.live_desk.operations
