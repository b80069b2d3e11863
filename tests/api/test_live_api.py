"""Live routing over HTTP: load a team, route (with and without triage), complete, escalate,
assign, shifts; every refusal is the right 4xx with a clear message and changes nothing."""

from __future__ import annotations

import yaml

from tests.api.conftest import Api
from tests.live.test_desk import TEAM

TEAM_YAML = yaml.safe_dump(TEAM.model_dump(mode="json"))


def _load(api: Api, policy: str = "generalist_first") -> None:
    with api.client("admin") as http:
        answer = http.put(
            "/api/live/team", json={"team": TEAM_YAML, "policy": policy, "reset": True}
        )
    assert answer.status_code == 200, answer.text
    assert [a["name"] for a in answer.json()["agents"]] == ["Gina", "Gus", "Nora"]


def test_a_ticket_goes_through_its_life(api: Api) -> None:
    _load(api)
    with api.client("route") as http:
        routed = http.post(
            "/api/route",
            json={"id": "T-1", "domain": "network", "tier": "specialist", "priority": 2},
        ).json()
        assert routed["policy"] == "generalist_first"
        assert routed["ticket"]["agent"] == "Gina"
        assert routed["ticket"]["work_limit_hours"] == 0.75
        escalated = http.post("/api/live/tickets/T-1/escalate", json={"hours_worked": 0.5}).json()
        assert escalated["ticket"]["agent"] == "Nora"
        assert escalated["ticket"]["generalist_hours"] == 0.5
        assert "escalated after generalists tried 30 min" in escalated["ticket"]["reason"]
        done = http.post("/api/live/tickets/T-1/complete").json()
        assert done["ticket"]["state"] == "done" and done["ticket"]["done_at"] is not None
        again = http.post("/api/live/tickets/T-1/complete")
        assert again.status_code == 409 and "already completed" in again.json()["detail"]
        desk = http.get("/api/live").json()
    assert desk["tickets"]["done"] == 1
    assert {a["name"]: a["ticket"] for a in desk["agents"]} == {
        "Gina": None,
        "Gus": None,
        "Nora": None,
    }


def test_a_route_request_may_send_the_ticket_straight_to_specialists(api: Api) -> None:
    _load(api)
    with api.client("route") as http:
        routed = http.post(
            "/api/route",
            json={
                "id": "D-1",
                "domain": "network",
                "tier": "specialist",
                "priority": 2,
                "direct": True,
            },
        )
        assert routed.status_code == 200, routed.text
        ticket = routed.json()["ticket"]
        assert ticket["stage"] == "direct" and ticket["agent"] == "Nora"
        assert ticket["work_limit_hours"] is None
        assert ticket["reason"] == "the history sends this work straight to Nora (network L4)"
        assert http.get("/api/live/tickets/D-1").json()["stage"] == "direct"


def test_triage_fills_in_what_the_request_leaves_out(api: Api) -> None:
    _load(api, "skills_based")
    with api.client("route") as http:
        answer = http.post(
            "/api/route", json={"text": "Cannot print: the printer on floor 2 shows paper jam"}
        )
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["ticket"]["domain"] == "end_user"
    assert data["triage"]["domain"]["label"] == "end_user"
    assert 0 < data["triage"]["domain"]["confidence"] <= 1
    assert data["ticket"]["agent"] in ("Gina", "Gus")
    with api.client("route") as http:
        split = http.post(
            "/api/route",
            json={"title": "Printer jammed", "description": "floor 2 printer shows paper jam"},
        )
    assert split.status_code == 200, split.text
    assert split.json()["ticket"]["domain"] == "end_user"


def test_queue_hand_over_and_manual_assignment(api: Api) -> None:
    _load(api, "skills_based")
    with api.client("route") as http:
        for key in ("a", "b", "c"):
            http.post(
                "/api/route",
                json={"id": key, "domain": "end_user", "tier": "generalist", "priority": 3},
            )
        queued = http.get("/api/live/tickets/c").json()
        assert queued["state"] == "queued"
        busy = http.post("/api/live/tickets/c/assign", json={"agent": "Gina"})
        assert busy.status_code == 409 and "busy with ticket" in busy.json()["detail"]
        freed = http.post("/api/live/tickets/a/complete").json()
        assert [t["id"] for t in freed["handed"]] == ["c"]
        off = http.put("/api/live/agents/Nora/shift", json={"on_shift": False})
        assert off.status_code == 200 and off.json()["agent"]["on_shift"] is False
        unknown = http.put("/api/live/agents/Zed/shift", json={"on_shift": True})
        assert unknown.status_code == 404 and "Zed" in unknown.json()["detail"]


def test_refusals_are_clear_and_change_nothing(api: Api) -> None:
    _load(api)
    before = api.counts()
    ticket = {"domain": "network", "tier": "generalist", "priority": 3}
    with api.client() as anonymous:
        missing = anonymous.post("/api/route", json=ticket)
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"] == "Bearer"
        assert "'route' scope" in missing.json()["detail"]
        forged = anonymous.post(
            "/api/route", json=ticket, headers={"Authorization": "Bearer dmx_not-a-real-token"}
        )
        assert forged.status_code == 401 and "not valid" in forged.json()["detail"]
    with api.client("import") as wrong_scope:
        denied = wrong_scope.post("/api/route", json=ticket)
        assert denied.status_code == 403
        assert "needs 'route'" in denied.json()["detail"]
        assert wrong_scope.put("/api/live/team", json={"team": TEAM_YAML}).status_code == 403
    with api.client("route") as http:
        not_admin = http.put("/api/live/team", json={"team": TEAM_YAML, "reset": True})
        assert not_admin.status_code == 403
        broken = http.post(
            "/api/route",
            content=b'{"domain": "network",',
            headers={"Content-Type": "application/json"},
        )
        assert broken.status_code == 422 and "not valid JSON" in broken.json()["detail"]
        wrong = http.post("/api/route", json={"domain": 7, "tier": "boss", "priority": "high"})
        assert wrong.status_code == 422
        fields = {e["field"] for e in wrong.json()["errors"]}
        assert fields == {"body 'domain'", "body 'tier'", "body 'priority'"}
        assert "'generalist' or 'specialist'" in wrong.json()["detail"]
        out_of_range = http.post("/api/route", json={**ticket, "priority": 9})
        assert "less than or equal to 5" in out_of_range.json()["detail"]
        extra = http.post("/api/route", json={**ticket, "colour": "red"})
        assert extra.status_code == 422 and "colour" in extra.json()["detail"]
        nothing = http.post("/api/route", json={"domain": "network"})
        assert nothing.status_code == 422
        assert "expected domain, tier and priority, or a 'text'" in nothing.json()["detail"]
        assert http.post("/api/live/tickets/nope/complete").status_code == 404
        assert http.post("/api/live/tickets/nope/escalate").status_code == 404
        assert http.get("/api/live/tickets/nope").status_code == 404
        bad_team = http.put("/api/live/team", json={"team": "name: [", "reset": True})
        assert bad_team.status_code == 403  # scope is checked before the body is looked at
    with api.client("admin") as admin:
        bad_team = admin.put("/api/live/team", json={"team": "name: x\nagents: 3", "reset": True})
        assert bad_team.status_code == 422 and "team" in bad_team.json()["detail"]
        bad_policy = admin.put("/api/live/team", json={"team": TEAM_YAML, "policy": "coin_toss"})
        assert bad_policy.status_code == 422 and "unknown policy" in bad_policy.json()["detail"]
        assert admin.get("/api/live").json()["policy"] == "generalist_first"
    assert api.counts() == before
