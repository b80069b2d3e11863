"""The server starts on a real store and serves the API, the OpenAPI schema and local assets."""

from __future__ import annotations

from pathlib import Path

import httpx

from deskmix.api.app import create_app
from deskmix.api.settings import ServerSettings
from tests.live_server import serve_in_thread


def test_health_names_the_store_and_assets_are_local(tmp_path: Path) -> None:
    app = create_app(ServerSettings(db=str(tmp_path / "served.db")))
    with serve_in_thread(app) as server:
        health = httpx.get(f"{server.base_url}/api/health").json()
        assert health["status"] == "ok"
        assert health["store"].endswith("served.db")
        schema = httpx.get(f"{server.base_url}/openapi.json").json()
        assert "/api/health" in schema["paths"]
        htmx = httpx.get(f"{server.base_url}/static/htmx.min.js")
        assert htmx.status_code == 200 and "htmx" in htmx.text[:2000]
        plotly_js = httpx.get(f"{server.base_url}/vendor/plotly/plotly-basic.min.js")
        assert plotly_js.status_code == 200 and len(plotly_js.content) > 1_000_000
    assert (tmp_path / "served.db").exists()
