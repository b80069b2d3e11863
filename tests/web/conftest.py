"""The dashboard on the sample desk: a real store, a real uvicorn server, a real chromium.

One store with the shipped sample imported serves every web test (session scope: the import
takes a few seconds). Browser tests use Debian's chromium through Playwright; without one they
skip with a message, except in CI (``CI=true``), which installs it and must run them.

``DESKMIX_SCREENSHOTS=docs/screenshots`` makes the browser tests save each page there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    sync_playwright,
)

from deskmix.api.app import create_app
from deskmix.api.settings import ServerSettings
from deskmix.importers import read_source
from deskmix.importers.writer import write_import
from deskmix.sample import SAMPLE_SOURCE, sample_files
from deskmix.store import open_store
from tests.live_server import LiveServer, serve_in_thread

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SCREENSHOT_MAX_HEIGHT = 1600  # pixels: the top of a long page is what a reader needs


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store holding the sample desk, imported the way ``deskmix demo`` does."""
    path = tmp_path_factory.mktemp("web") / "sample.db"
    store = open_store(path)
    try:
        with sample_files() as (events_file, mapping_file):
            write_import(store, read_source(SAMPLE_SOURCE, events_file, mapping_file=mapping_file))
    finally:
        store.dispose()
    return path


@pytest.fixture(scope="session")
def server(sample_db: Path) -> Iterator[LiveServer]:
    # Public reads: these tests are about the pages; tests/web/test_signin.py runs the private
    # default.
    app = create_app(ServerSettings(db=str(sample_db), public_reads=True))
    with serve_in_thread(app) as live:
        yield live


@pytest.fixture
def empty_server(tmp_path: Path) -> Iterator[LiveServer]:
    with serve_in_thread(
        create_app(ServerSettings(db=str(tmp_path / "empty.db"), public_reads=True))
    ) as live:
        yield live


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "no chromium on PATH (Debian: apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI must install it")
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        yield launched
        launched.close()


@dataclass
class Watched:
    """A browser page plus what went wrong on it: console errors, page errors, and requests
    to any host but the dashboard's (the dashboard must work offline)."""

    page: Page
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def clean(self) -> None:
        assert self.console_errors == [], self.console_errors
        assert self.foreign_requests == [], self.foreign_requests


def watch(context: BrowserContext, base_url: str) -> Watched:
    page = context.new_page()
    watched = Watched(page, base_url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.console_errors.append(message.text)

    def on_request(request: Request) -> None:
        url = request.url
        if not (url.startswith(base_url) or url.startswith(("data:", "blob:", "about:"))):
            watched.foreign_requests.append(url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.console_errors.append(f"page error: {error}"))
    page.on("request", on_request)
    return watched


def _context(browser: Browser, viewport: dict[str, int]) -> BrowserContext:
    # One context per screen size for the whole session: plotly.js (1.2 MB) is then fetched and
    # compiled once, not on every page of every test.
    return browser.new_context(
        viewport={"width": viewport["width"], "height": viewport["height"]},
        accept_downloads=True,
    )


@pytest.fixture(scope="session")
def laptop_context(browser: Browser) -> Iterator[BrowserContext]:
    context = _context(browser, LAPTOP)
    yield context
    context.close()


@pytest.fixture(scope="session")
def phone_context(browser: Browser) -> Iterator[BrowserContext]:
    context = _context(browser, PHONE)
    yield context
    context.close()


@pytest.fixture
def laptop(laptop_context: BrowserContext, server: LiveServer) -> Iterator[Watched]:
    watched = watch(laptop_context, server.base_url)
    yield watched
    watched.page.close()


@pytest.fixture
def phone(phone_context: BrowserContext, server: LiveServer) -> Iterator[Watched]:
    watched = watch(phone_context, server.base_url)
    yield watched
    watched.page.close()


def screenshot(watched: Watched, name: str) -> None:
    """Save the page as docs/screenshots/<name>.png when DESKMIX_SCREENSHOTS names a folder."""
    folder = os.environ.get("DESKMIX_SCREENSHOTS")
    if not folder:
        return
    page = watched.page
    Path(folder).mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else LAPTOP["width"]
    height = min(int(page.evaluate("document.documentElement.scrollHeight")), SCREENSHOT_MAX_HEIGHT)
    page.screenshot(
        path=str(Path(folder) / f"{name}.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": width, "height": height},
    )
