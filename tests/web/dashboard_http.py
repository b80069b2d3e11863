"""The dashboard over HTTP as a browser meets it: a cookie jar, and every POST carrying the
page's CSRF token (a hidden ``csrf`` field for plain forms, the header htmx sends)."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

CSRF_INPUT = re.compile(r'<input type="hidden" name="csrf" value="([0-9a-f]+)">')
POLLING = re.compile(r'hx-get="([^"]+)" hx-trigger="every 1s"')


def polled_url(html: str) -> str | None:
    """The address a fragment polls (a job still running), or None when it does not."""
    found = POLLING.search(html)
    return found.group(1) if found else None


def csrf_of(html: str) -> str:
    found = CSRF_INPUT.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


class DashboardHttp:
    """``get``/``post`` on full URLs, like ``httpx.get``/``httpx.post``, with a browser's
    cookies and CSRF token (read once per server from its sign-in page)."""

    def __init__(self, session: str | None = None) -> None:
        self.client = httpx.Client(timeout=60)
        self.session = session
        self._csrf: dict[str, str] = {}

    def _base(self, url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    def csrf(self, url: str) -> str:
        base = self._base(url)
        if base not in self._csrf:
            self._csrf[base] = csrf_of(self.client.get(base + "/signin").text)
        return self._csrf[base]

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        token = self.csrf(url)
        headers = dict(kwargs.pop("headers", None) or {})
        if headers.get("HX-Request") == "true":
            headers["X-CSRF-Token"] = token
        else:
            kwargs["data"] = {**(kwargs.get("data") or {}), "csrf": token}
        return self.client.post(url, headers=headers, **kwargs)

    def until_done(
        self, base_url: str, answer: httpx.Response, timeout: float = 120
    ) -> httpx.Response:
        """What htmx ends up showing after ``answer``: its polling followed, once a second as
        the page does, until a fragment no longer polls (a job's result or its error)."""
        deadline = time.monotonic() + timeout
        while (url := polled_url(answer.text)) is not None:
            assert time.monotonic() < deadline, f"still polling {url} after {timeout} s"
            time.sleep(0.5)
            answer = self.get(base_url + url, headers={"HX-Request": "true"})
        return answer
