"""Bearer-token checks for the API: 401 without a valid token, 403 with one lacking the scope.

Every write needs a token with the write's scope (``admin`` covers all). Reads need a token
with the ``read`` scope too: tickets, people and results are the desk's private data. An
operator who wants them open (a demo on a laptop, a desk behind its own access control)
starts the server with ``deskmix serve --public-reads``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from deskmix.api.tokens import SCOPES, TokenInfo, hash_secret, verify_token
from deskmix.store import Store

TOKEN_CACHE_SECONDS = 2.0

bearer = HTTPBearer(
    auto_error=False,
    description="A token from 'deskmix token create --scope SCOPE'. Scopes: "
    + "; ".join(f"{name}: {what}" for name, what in SCOPES.items()),
)

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _unauthorised(message: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=message, headers=_CHALLENGE)


class TokenCache:
    """Verified tokens remembered for ``TOKEN_CACHE_SECONDS``: a routing request then costs no
    extra database round trip for its token. A revocation therefore takes effect within that
    time on every server process (documented in docs/api.md)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._known: dict[str, tuple[float, TokenInfo | None]] = {}
        self._lock = threading.Lock()

    def verify(self, secret: str) -> TokenInfo | None:
        key = hash_secret(secret)
        now = time.monotonic()
        hit = self._known.get(key)
        if hit is not None and now - hit[0] < TOKEN_CACHE_SECONDS:
            return hit[1]
        token = verify_token(self.store, secret)
        with self._lock:
            if len(self._known) > 10_000:  # bounded: junk tokens must not grow it forever
                self._known.clear()
            self._known[key] = (now, token)
        return token


def _check(
    request: Request, credentials: HTTPAuthorizationCredentials | None, scope: str
) -> TokenInfo:
    if credentials is None:
        raise _unauthorised(
            f"this needs a bearer token with the '{scope}' scope: send 'Authorization: Bearer "
            f"<token>' (create one with 'deskmix token create --scope {scope}')"
        )
    cache: TokenCache = request.app.state.token_cache
    token = cache.verify(credentials.credentials)
    if token is None:
        raise _unauthorised("the bearer token is not valid (unknown or revoked)")
    if not token.allows(scope):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f"token '{token.name}' has scopes {', '.join(sorted(token.scopes))}; "
            f"this needs '{scope}' (or 'admin')",
        )
    return token


def require(scope: str) -> Callable[..., Awaitable[TokenInfo]]:
    """A dependency admitting requests whose token carries ``scope``.

    Async so FastAPI runs it on the event loop, without a thread hop per request: a known
    token is answered from the cache; an unknown one costs one indexed query every 2 s."""

    async def dependency(
        request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
    ) -> TokenInfo:
        return _check(request, credentials, scope)

    return dependency


async def read_access(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> TokenInfo | None:
    """A 'read' token, unless the server runs with public reads."""
    if request.app.state.settings.public_reads:
        return None
    return _check(request, credentials, "read")
