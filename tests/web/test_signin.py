"""Private by default: with the server's default settings every dashboard page and every API
read needs a sign-in or a token; a real browser signs in with an API token; forms need the
session's CSRF token; the body limit covers the dashboard too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute
from playwright.sync_api import Browser, expect

from deskmix.api.app import create_app
from deskmix.api.settings import ServerSettings
from deskmix.api.tokens import create_token
from deskmix.web import compare, overview, people, planning, simulate, triage, validate, year
from tests.live_server import LiveServer, serve_in_thread
from tests.web.dashboard_http import csrf_of

LIMIT = 1024 * 1024


@pytest.fixture(scope="module")
def private(sample_db: Path) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    app = create_app(ServerSettings(db=str(sample_db), max_upload_bytes=LIMIT))  # the default
    tokens = {
        scope: create_token(app.state.store, f"{scope} signin test", [scope])[0]
        for scope in ("read", "route")
    }
    with serve_in_thread(app) as live:
        yield live, tokens


def _dashboard_routes() -> list[tuple[str, str]]:
    """Every route of every dashboard page module (the sign-in page's own aside)."""
    found = []
    for module in (overview, triage, simulate, planning, year, people, validate, compare):
        for route in module.router.routes:
            assert isinstance(route, APIRoute)
            found.extend((method, route.path) for method in sorted(route.methods))
    return found


def test_every_page_without_a_session_goes_to_sign_in(
    private: tuple[LiveServer, dict[str, str]],
) -> None:
    server, _ = private
    routes = _dashboard_routes()
    assert {
        ("GET", "/"),
        ("GET", "/people"),
        ("GET", "/people/report"),
        ("POST", "/simulate"),
    } <= set(routes)
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        for method, path in routes:
            answer = http.request(method, path, data={"team": "sample", "reps": "2"})
            assert answer.status_code == 303, (method, path, answer.status_code)
            assert answer.headers["location"].startswith("/signin?next="), (method, path)
        assert http.get("/people").headers["location"] == "/signin?next=/people"
        fragment = http.get("/people", headers={"HX-Request": "true"})
        assert fragment.status_code == 401 and fragment.headers["HX-Redirect"].startswith("/signin")
        # The API's reads need a token as well; health and the schema stay open.
        for path in ("/api/tickets", "/api/people/skills", "/api/live", "/api/jobs"):
            assert http.get(path).status_code == 401, path
        assert http.get("/api/health").status_code == 200
        assert http.get("/openapi.json").status_code == 200
        for path in ("/docs", "/redoc", "/vendor/api-docs/swagger-ui-bundle.js"):
            assert http.get(path).status_code == 200, path
        assert http.get("/signin").status_code == 200


def test_sign_in_sets_a_strict_http_only_cookie_and_forms_need_its_csrf_token(
    private: tuple[LiveServer, dict[str, str]],
) -> None:
    server, tokens = private
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        form = csrf_of(http.get("/signin").text)
        assert http.post("/signin", data={"token": tokens["read"]}).status_code == 403  # no CSRF
        wrong = http.post("/signin", data={"token": "dmx_nonsense", "csrf": form})
        assert wrong.status_code == 401 and "not valid" in wrong.text
        unscoped = http.post("/signin", data={"token": tokens["route"], "csrf": form})
        assert unscoped.status_code == 403 and "needs &#39;read&#39;" in unscoped.text
        signed = http.post(
            "/signin", data={"token": tokens["read"], "csrf": form, "next": "/people"}
        )
        assert signed.status_code == 303 and signed.headers["location"] == "/people"
        cookie = signed.headers["set-cookie"]
        assert "deskmix_session=" in cookie and "HttpOnly" in cookie
        assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
        assert "Secure" not in cookie  # plain http on loopback; https gets Secure
        people = http.get("/people")
        assert people.status_code == 200 and "Sign out" in people.text
        session_csrf = csrf_of(people.text)
        assert session_csrf != form  # bound to the session, not to the anonymous browser
        ticket = {"title": "VPN drops every few minutes", "threshold": "0.5"}
        assert http.post("/triage", data=ticket).status_code == 403
        assert http.post("/triage", data={**ticket, "csrf": form}).status_code == 403
        assert http.post("/triage", data={**ticket, "csrf": session_csrf}).status_code == 200
        htmx = {"HX-Request": "true", "X-CSRF-Token": session_csrf}
        assert http.post("/triage", data=ticket, headers=htmx).status_code == 200
        # No redirect off the site after signing in (signed in, the session's token counts).
        away = http.post(
            "/signin",
            data={"token": tokens["read"], "csrf": session_csrf, "next": "//evil.example/"},
        )
        assert away.headers["location"] == "/"
        assert http.post("/signout", data={"csrf": session_csrf}).status_code == 303
        http.cookies.delete("deskmix_session")
        assert http.get("/people").status_code == 303


def test_the_body_limit_covers_the_dashboard(private: tuple[LiveServer, dict[str, str]]) -> None:
    server, _ = private
    big = {"team": "x" * (2 * LIMIT)}
    answer = httpx.post(f"{server.base_url}/simulate", data=big, timeout=60)
    assert answer.status_code == 413


def test_a_browser_signs_in_and_uses_the_dashboard(
    browser: Browser, private: tuple[LiveServer, dict[str, str]]
) -> None:
    server, tokens = private
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.base_url + "/people")
        expect(page).to_have_url(server.base_url + "/signin?next=/people")
        page.fill("#token", tokens["read"])
        page.click("button:has-text('Sign in')")
        expect(page).to_have_url(server.base_url + "/people")
        expect(page.locator("h1")).to_contain_text("People")
        session = next(c for c in context.cookies() if c["name"] == "deskmix_session")
        assert session["httpOnly"] and session["sameSite"] == "Strict"
        # An htmx form: the CSRF header goes with it and the answer is swapped in.
        page.goto(server.base_url + "/triage")
        page.fill("#title", "VPN drops every few minutes since this morning")
        page.click("button:has-text('Triage')")
        expect(page.locator("#triage-result")).to_contain_text("network", timeout=30_000)
        page.click("button:has-text('Sign out')")
        expect(page).to_have_url(server.base_url + "/signin")
        page.goto(server.base_url + "/")
        expect(page).to_have_url(server.base_url + "/signin?next=/")
    finally:
        context.close()
