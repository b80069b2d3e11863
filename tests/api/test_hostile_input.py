"""Input an attacker or a careless client sends, against a real server on PostgreSQL (which,
unlike SQLite, refuses a NUL character): every answer is a 4xx in the documented
``{detail, errors}`` shape, never a 500, and nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from deskmix.api.app import create_app
from deskmix.api.settings import ServerSettings
from deskmix.api.tokens import create_token
from tests.live.test_desk import TEAM
from tests.live_server import serve_in_thread

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture
def http(pg_url: str) -> Iterator[httpx.Client]:
    app = create_app(ServerSettings(db=pg_url, sim_workers=1))
    token = create_token(app.state.store, "admin", ["admin"])[0]
    with serve_in_thread(app) as server:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as client:
            loaded = client.put(
                "/api/live/team", json={"team": yaml.safe_dump(TEAM.model_dump(mode="json"))}
            )
            assert loaded.status_code == 200, loaded.text
            yield client


def _refused(response: httpx.Response, status: int, *words: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "errors"} and isinstance(body["detail"], str)
    assert "\n" not in body["detail"] and "Traceback" not in body["detail"]
    for word in words:
        assert word in body["detail"], body["detail"]
    return body


def test_nul_characters_are_refused_before_the_database(http: httpx.Client) -> None:
    ticket = {"domain": "network", "tier": "generalist", "priority": 3}
    body = _refused(http.post("/api/route", json={**ticket, "id": "a\x00b"}), 422, "NUL")
    assert body["errors"] == [{"field": "body 'id'", "message": body["detail"]}]
    _refused(http.post("/api/route", json={**ticket, "text": "vpn \x00 down"}), 422, "NUL")
    _refused(http.post("/api/live/tickets/a%00b/complete"), 422, "path", "NUL")
    _refused(http.get("/api/tickets", params={"domain": "a\x00"}), 422, "query", "NUL")
    jira = (
        b'{"issues": [{"key": "A-1\\u0000", "fields": '
        b'{"summary": "x", "created": "2024-01-12T09:15:00.000+0000"}}]}'
    )
    upload = http.post("/api/imports", data={"source": "jira"}, files={"file": ("j.json", jira)})
    _refused(upload, 422, "NUL")
    assert http.get("/api/live").json()["agents"][0]["ticket"] is None  # nothing was routed
    assert http.get("/api/tickets").json()["total"] == 0


@pytest.mark.parametrize("encoding", ["rot13", "hex", "base64", "zlib", "punycode", "utf-16"])
def test_an_encoding_that_cannot_read_the_file_is_a_422(http: httpx.Client, encoding: str) -> None:
    export = (FIXTURES / "servicenow" / "incidents.csv").read_bytes()
    answer = http.post(
        "/api/imports",
        data={"source": "servicenow", "encoding": encoding},
        files={"file": ("incidents.csv", export)},
    )
    _refused(answer, 422)
    assert http.get("/api/tickets").json()["total"] == 0


def test_bad_json_bodies_are_422_as_documented(http: httpx.Client) -> None:
    json_type = {"content-type": "application/json"}
    not_utf8 = http.post("/api/route", content=b'{"id": "\xff"}', headers=json_type)
    _refused(not_utf8, 422, "UTF-8")
    deep = http.post("/api/route", content=b"[" * 100_000 + b"]" * 100_000, headers=json_type)
    _refused(deep, 422, "nested")
    deep_objects = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
    _refused(http.post("/api/triage", content=deep_objects, headers=json_type), 422, "nested")
    _refused(http.post("/api/route", content=b"{", headers=json_type), 422, "not valid JSON")


def test_on_shift_takes_a_json_boolean_only(http: httpx.Client) -> None:
    for wrong in (0, 1, "yes", "false", None):
        answer = http.put("/api/live/agents/Gina/shift", json={"on_shift": wrong})
        _refused(answer, 422, "on_shift")
    assert all(agent["on_shift"] for agent in http.get("/api/live").json()["agents"])
    off = http.put("/api/live/agents/Gina/shift", json={"on_shift": False})
    assert off.status_code == 200 and off.json()["agent"]["on_shift"] is False


def test_the_schema_declares_the_error_body_sent(http: httpx.Client) -> None:
    schema = http.get("/openapi.json").json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    problem = {"$ref": "#/components/schemas/Problem"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            assert "500" in answers, (method, path)
            for code, answer in answers.items():
                if code[0] in "45":
                    assert answer["content"]["application/json"]["schema"] == problem, (
                        method,
                        path,
                        code,
                    )
