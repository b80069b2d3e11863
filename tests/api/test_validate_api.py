"""GET /api/validate through the real app (uvicorn, SQLite store)."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.validate.desk import KnownDesk


def test_validate_on_an_empty_store_is_a_422_with_one_line(api: Api) -> None:
    with api.client() as client:
        response = client.get("/api/validate")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "no tickets to validate" in detail and "\n" not in detail


def test_validate_answers_the_back_test_and_checks_its_inputs(api: Api) -> None:
    KnownDesk(weeks=5).write(api.store)
    with api.client() as client:
        response = client.get("/api/validate", params={"replications": 2, "holdout": 0})
        bad = client.get("/api/validate", params={"replications": 1000})
        zone = client.get("/api/validate", params={"replications": 2, "timezone": "Mars/Base"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["team"]["simulated_agents"] == 6
    assert body["full"]["policy"] == "generalist_first"
    assert body["holdout"] is None
    assert any(f["figure"] == "tickets per week" for f in body["full"]["figures"])
    assert bad.status_code == 422 and "replications" in bad.text
    assert zone.status_code == 422 and "time zone" in zone.json()["detail"]
