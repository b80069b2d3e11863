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
    public_reads: bool = False
    """Reads (the API's and every dashboard page) are open to anyone who reaches the server.
    Off (the default): they need a token with the 'read' scope, or a dashboard session signed
    in with one; writes always need a token."""
    triage_model: str | None = None
    """Folder of a trained triage model; default: the model shipped with deskmix."""
    job_threads: int = Field(default=1, ge=1, le=16)
    """Background jobs run at once; each simulation itself uses ``sim_workers`` processes."""
    durable_routing: bool = True
    """Routing changes wait for PostgreSQL's disk flush before answering, as every other write
    does: an acknowledged routing change survives a database crash. Off (``--fast-routing``):
    faster, but a database crash may lose the last moment of acknowledged changes."""
    sim_workers: int | None = Field(default=None, ge=1)
    """Processes per simulation job (default: all cores)."""
    dask: str | None = None
    """Dask scheduler address: plan jobs simulate their candidate designs on that cluster."""
    job_heartbeat_seconds: float = Field(default=10.0, gt=0, le=3600)
    """How often a job's holder writes a sign of life. A job silent for six intervals is marked
    failed by whichever server reads it, so servers sharing a database should agree on it."""
