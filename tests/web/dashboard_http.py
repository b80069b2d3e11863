"""The dashboard over HTTP as a browser meets it: a cookie jar, and every POST carrying the
page's CSRF token (a hidden ``csrf`` field for plain forms, the header htmx sends)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httpx

CSRF_INPUT = re.compile(r'<input type="hidden" name="csrf" value="([0-9a-f]+)">')


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
