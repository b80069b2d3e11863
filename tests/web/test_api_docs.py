"""/docs and /redoc render with no network beyond the server: their assets are served locally.

The browser runs with every host name but the server's unresolvable (Chrome's host resolver
rules) and every request to another origin aborted, as on a desk without internet access.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Route, expect, sync_playwright

from deskmix.api.app import API_DOCS_ASSETS
from tests.live_server import LiveServer

from .conftest import chromium_path, watch

REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


@pytest.fixture(scope="module")
def offline_browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=[OFFLINE]
        )
        yield launched
        launched.close()


def _offline_context(browser: Browser, server: LiveServer) -> tuple[BrowserContext, list[str]]:
    """A context whose requests to any origin but the server's are aborted (and listed)."""
    context = browser.new_context()
    blocked: list[str] = []

    def only_the_server(route: Route) -> None:
        if route.request.url.startswith(server.base_url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_server)
    return context, blocked


def test_swagger_ui_renders_offline(offline_browser: Browser, server: LiveServer) -> None:
    context, blocked = _offline_context(offline_browser, server)
    try:
        watched = watch(context, server.base_url)
        page = watched.page
        page.goto(server.base_url + "/docs")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("deskmix")
        operations = page.locator(".swagger-ui .opblock")
        expect(operations.first).to_be_visible()
        assert operations.count() > 20  # every route of the API, grouped by tag
        expect(page.locator(".opblock-summary-path", has_text="/api/health")).to_be_visible()
        # Opening an operation works (Swagger UI's own scripts run, not just its markup).
        page.locator(".opblock-summary", has_text="/api/health").first.click()
        expect(page.get_by_role("button", name="Try it out").first).to_be_visible()
        assert blocked == []
        watched.clean()
    finally:
        context.close()


def test_redoc_renders_offline(offline_browser: Browser, server: LiveServer) -> None:
    context, blocked = _offline_context(offline_browser, server)
    try:
        watched = watch(context, server.base_url)
        page = watched.page
        page.goto(server.base_url + "/redoc")
        expect(page.get_by_role("heading", name="Liveness and the store in use")).to_be_visible()
        expect(page.get_by_role("menu").first).to_be_visible()  # the operations by tag
        # Only ReDoc's "API docs by Redocly" footer logo points elsewhere; it stays blank.
        assert set(blocked) <= {REDOC_LOGO}, blocked
    finally:
        context.close()


def test_docs_pages_name_only_local_assets(server: LiveServer) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        for path in ("/docs", "/redoc"):
            page = http.get(path)
            assert page.status_code == 200, path
            assert "cdn." not in page.text and "fonts.googleapis" not in page.text, path
            assert f"{API_DOCS_ASSETS}/" in page.text, path
        for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
            answer = http.get(f"{API_DOCS_ASSETS}/{asset}")
            assert answer.status_code == 200 and len(answer.content) > 100_000, asset
