"""People endpoints: a self-assessment scored over HTTP, and the skills review of a stored
history with planted hidden specialists (the same generator the people tests use)."""

from __future__ import annotations

from pathlib import Path

import httpx
import yaml

from deskmix.api.app import create_app
from deskmix.api.settings import ServerSettings
from deskmix.api.tokens import create_token
from deskmix.importers.writer import write_import
from deskmix.people.generator import generate_history
from tests.live_server import serve_in_thread

PERSONAS = Path(__file__).resolve().parent.parent / "people" / "personas"


def test_assessment_and_skills_review_over_http(tmp_path: Path) -> None:
    app = create_app(ServerSettings(db=str(tmp_path / "people.db")))
    world = generate_history(4)
    write_import(app.state.store, world.batch())
    persona = yaml.safe_load((PERSONAS / "network_engineer_helpdesk_title.yaml").read_text())
    token = create_token(app.state.store, "reader", ["read"])[0]
    with serve_in_thread(app) as server:
        # People's names and skills are private by default: without a token, nothing.
        assert httpx.get(f"{server.base_url}/api/people/skills").status_code == 401
    with (
        serve_in_thread(app) as server,
        httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}
        ) as http,
    ):
        scored = http.post("/api/people/assessment", json={"answers": persona})
        assert scored.status_code == 200, scored.text
        result = scored.json()
        assert result["verdict"] and result["reasons"] and result["roles"]
        assert result["profile"]["top_domain"] == "network"
        wrong = http.post(
            "/api/people/assessment", json={"answers": persona, "target_role": "astronaut"}
        )
        assert wrong.status_code == 422 and "no role matches" in wrong.json()["detail"]
        assert "target_role" in wrong.json()["detail"]
        titled = http.post(
            "/api/people/assessment", json={"answers": persona, "target_role": "cloud architect"}
        ).json()
        assert titled["goal"] == "cloud_architect" and titled["routes"][0]["kind"] == "goal"
        assert {r["kind"] for r in titled["routes"]} == {"goal", "broaden", "deepen"}
        typo = http.post("/api/people/assessment", json={"answers": {"years_in_it": -2}})
        assert typo.status_code == 422 and "years_in_it" in typo.json()["detail"]

        review = http.get("/api/people/skills", params={"level": 3}).json()
        assert review["presence"]["active"] >= len(world.generalists)
        assert review["presence"]["gone"] == []
        assert set(review["people"]) >= set(world.generalists)
        found = {(f["person"], f["area"]) for f in review["hidden_specialists"]}
        assert set(world.planted) <= found
        for area in review["coverage"]:
            covering = [p for p in review["people"] if review["levels"][p][area["area"]] >= 3]
            assert sorted(area["covering"]) == sorted(covering)
            assert area["single_point"] == (area["bus_factor"] == 1)
        bad = http.get("/api/people/skills", params={"by": "planet", "level": 9})
        assert bad.status_code == 422 and len(bad.json()["errors"]) == 2
