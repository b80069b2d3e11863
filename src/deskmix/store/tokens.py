"""The API tokens table: add, list, revoke and look up by hash.

What a token means (scopes, secrets, hashing) is the API's business (``deskmix.api.tokens``);
the store only keeps the rows, so it never sees a secret, only its hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, insert, select, update

from deskmix.store.db import Store
from deskmix.store.models import ApiToken

TOKENS = cast(Table, ApiToken.__table__)


@dataclass(frozen=True)
class StoredToken:
    """One row of the tokens table; ``scopes`` as stored (space-separated)."""

    id: int
    name: str
    scopes: str
    created_at: datetime
    revoked_at: datetime | None


def _stored(row: Row[Any]) -> StoredToken:
    return StoredToken(row.id, row.name, row.scopes, row.created_at, row.revoked_at)


def add_token(store: Store, name: str, token_hash: str, scopes: str, created_at: datetime) -> int:
    """Store a new live token; returns its number."""
    with store.transaction() as connection:
        token_id: int = connection.execute(
            insert(TOKENS)
            .values(
                name=name,
                token_hash=token_hash,
                scopes=scopes,
                created_at=created_at,
                revoked_at=None,
            )
            .returning(TOKENS.c.id)
        ).scalar_one()
    return token_id


def all_tokens(store: Store) -> list[StoredToken]:
    """Every token, revoked ones too, by number."""
    with store.transaction() as connection:
        return [_stored(r) for r in connection.execute(select(TOKENS).order_by(TOKENS.c.id))]


def revoke(store: Store, token_id: int, at: datetime) -> StoredToken | None:
    """Mark the token revoked at ``at`` unless it already is; None when there is no such
    token. Returns the row as it is afterwards."""
    with store.transaction() as connection:
        row = connection.execute(select(TOKENS).where(TOKENS.c.id == token_id)).first()
        if row is None:
            return None
        if row.revoked_at is None:
            connection.execute(update(TOKENS).where(TOKENS.c.id == token_id).values(revoked_at=at))
        row = connection.execute(select(TOKENS).where(TOKENS.c.id == token_id)).one()
    return _stored(row)


def live_token(store: Store, token_hash: str) -> StoredToken | None:
    """The token with this hash, unless it is revoked."""
    with store.engine.connect() as connection:
        row = connection.execute(
            select(TOKENS).where(TOKENS.c.token_hash == token_hash, TOKENS.c.revoked_at.is_(None))
        ).first()
        connection.rollback()
    return _stored(row) if row is not None else None
