"""Who may see the dashboard, and proof that a form was sent from it.

Reads are private by default (``deskmix serve --public-reads`` opens them): every page needs a
session, made on the sign-in page from an API token with the ``read`` scope (or ``admin``).
The session cookie carries that token, so it is checked exactly as the API checks a bearer
token (revoking the token ends its sessions within the token cache's 2 s) and any server
process sharing the store accepts it; it is HttpOnly (no script reads it), SameSite=Strict
(no other site's page sends it) and Secure when the page was served over https.

Every POST from the dashboard carries a CSRF token, in a hidden ``csrf`` field of plain forms
and in the ``X-CSRF-Token`` header of htmx requests. It is an HMAC of the session's token,
or, before sign-in and with public reads, of a random per-browser cookie set on first visit,
so another site can neither read nor forge it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie
from urllib.parse import quote

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deskmix.api.auth import TokenCache
from deskmix.api.tokens import TokenInfo

SESSION_COOKIE = "deskmix_session"
BROWSER_COOKIE = "deskmix_browser"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
SIGN_IN_PATH = "/signin"
_OPEN_PREFIXES = ("/api/", "/static/", "/vendor/", "/docs", "/redoc", "/openapi.json")


class SignInRequiredError(Exception):
    """A dashboard page was asked for without a session while reads are private."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfRefusedError(Exception):
    """A POST without the CSRF token of this browser's session."""


def csrf_for(key: str) -> str:
    """The CSRF token bound to ``key`` (a session's token or a browser's random cookie)."""
    return hmac.new(key.encode(), b"deskmix dashboard form", hashlib.sha256).hexdigest()


def session_token(request: Request) -> TokenInfo | None:
    """The valid, read-capable token of this request's session cookie, if any."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    cache: TokenCache = request.app.state.token_cache
    token = cache.verify(secret)
    return token if token is not None and token.allows("read") else None


def sign_in_url(next_path: str) -> str:
    return f"{SIGN_IN_PATH}?next={quote(next_path, safe='/')}"


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this server only (no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


async def _check_csrf(request: Request, key: str) -> None:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        # The page's handler reads the same parsed form (Starlette caches it on the request);
        # parts may be as large as the body limit, which bounds the whole request anyway.
        limit: int = request.app.state.settings.max_upload_bytes
        form = await request.form(max_part_size=limit)
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if not sent or not hmac.compare_digest(sent, csrf_for(key)):
        raise CsrfRefusedError


async def dashboard_access(request: Request) -> None:
    """Every dashboard route: a session unless reads are public, and the CSRF check on POST.

    Sets ``request.state.csrf`` (for the templates' forms) and ``request.state.user`` (the
    session token's name, or None)."""
    token = session_token(request)
    if token is None and not request.app.state.settings.public_reads:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequiredError(path if request.method == "GET" else "/")
    await _note_and_check(request, token)


async def open_page_access(request: Request) -> None:
    """The sign-in page's own check: no session needed, but its form is CSRF-protected too."""
    await _note_and_check(request, session_token(request))


async def _note_and_check(request: Request, token: TokenInfo | None) -> None:
    key = request.cookies.get(SESSION_COOKIE) if token is not None else None
    key = key or request.cookies.get(BROWSER_COOKIE, "")
    request.state.csrf = csrf_for(key)
    request.state.user = token.name if token is not None else None
    if request.method == "POST":
        await _check_csrf(request, key)


class BrowserCookie:
    """Give every browser that opens a dashboard page a random cookie to bind its CSRF token to.

    Pure ASGI (the API's requests pass untouched): a request without the cookie gets one made
    up, added to its headers as if the browser had sent it and to the response's Set-Cookie.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_OPEN_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers = MutableHeaders(scope=scope)
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header: treat it as none
            jar = SimpleCookie()
        if BROWSER_COOKIE in jar and jar[BROWSER_COOKIE].value:
            await self.app(scope, receive, send)
            return
        value = secrets.token_urlsafe(32)
        existing = headers.get("cookie")
        cookie = f"{BROWSER_COOKIE}={value}"
        headers["cookie"] = f"{existing}; {cookie}" if existing else cookie
        secure = "; Secure" if scope.get("scheme") == "https" else ""

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append(
                    "set-cookie", f"{cookie}; Path=/; HttpOnly; SameSite=Strict{secure}"
                )
            await send(message)

        await self.app(scope, receive, send_with_cookie)
