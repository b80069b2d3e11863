"""What a running server is configured with, fixed at start so every request sees the same."""

from __future__ import annotations

from pydantic import BaseModel, Field

DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ServerSettings(BaseModel):
    """Settings of one ``deskmix serve`` process.

    The database URL is resolved once (``--db``, else ``$DESKMIX_DB``, else the user's SQLite
    file) so the API and the dashboard read and write the same store.
    """

    db: str | None = None
    max_upload_bytes: int = Field(default=DEFAULT_MAX_UPLOAD_BYTES, gt=0)
