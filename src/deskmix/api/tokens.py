"""API tokens: created by ``deskmix token create``, stored only as a SHA-256 hash, with scopes.

The secret is random (32 bytes from ``secrets``), shown once at creation and never stored, so
reading the database does not give anyone a working token. Hashing with plain SHA-256 (no salt,
no slow KDF) is enough here because the secret has 256 bits of entropy: there is nothing to
guess, and a fast hash keeps the per-request check cheap.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from deskmix.errors import InputError, NotFoundError
from deskmix.store import Store
from deskmix.store.tokens import StoredToken, add_token, all_tokens, live_token, revoke

PREFIX = "dmx_"

SCOPES: dict[str, str] = {
    "read": "read endpoints and the dashboard (unless the server runs with --public-reads)",
    "import": "upload ticket exports (POST /api/imports)",
    "route": "live routing: load a team, route, assign, complete, escalate, shifts",
    "jobs": "start simulations and plans (POST /api/jobs/...)",
    "admin": "everything above",
}


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    scopes: frozenset[str]
    created_at: datetime
    revoked_at: datetime | None

    def allows(self, scope: str) -> bool:
        return scope in self.scopes or "admin" in self.scopes


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_scopes(scopes: list[str]) -> frozenset[str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise InputError(
            "unknown or missing scope",
            field="scope",
            value=", ".join(unknown) if unknown else None,
            expected=f"one or more of {', '.join(SCOPES)}",
        )
    return frozenset(scopes)


def create_token(store: Store, name: str, scopes: list[str]) -> tuple[str, TokenInfo]:
    """A new token; returns the secret (shown once) and what was stored."""
    if not name.strip():
        raise InputError("a token needs a name saying who or what uses it", field="name")
    wanted = check_scopes(scopes)
    secret = PREFIX + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    token_id = add_token(store, name.strip(), hash_secret(secret), " ".join(sorted(wanted)), now)
    return secret, TokenInfo(token_id, name.strip(), wanted, now, None)


def _info(row: StoredToken) -> TokenInfo:
    return TokenInfo(
        id=row.id,
        name=row.name,
        scopes=frozenset(row.scopes.split()),
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def list_tokens(store: Store) -> list[TokenInfo]:
    return [_info(r) for r in all_tokens(store)]


def revoke_token(store: Store, token_id: int) -> TokenInfo:
    row = revoke(store, token_id, datetime.now(UTC))
    if row is None:
        raise NotFoundError(f"no token #{token_id}; see 'deskmix token list'")
    return _info(row)


def verify_token(store: Store, secret: str) -> TokenInfo | None:
    """The live (not revoked) token with this secret, or None."""
    if not secret.startswith(PREFIX):
        return None
    row = live_token(store, hash_secret(secret))
    return _info(row) if row is not None else None
