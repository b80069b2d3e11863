"""``deskmix serve``: the REST API and the web dashboard on one HTTP server."""

from __future__ import annotations

import typer
import uvicorn

from deskmix.api.app import create_app
from deskmix.api.settings import DEFAULT_MAX_UPLOAD_BYTES, ServerSettings
from deskmix.cli.common import DbOption, console, user_errors


@user_errors
def serve_command(
    db: DbOption = None,
    host: str = typer.Option("127.0.0.1", help="Interface to listen on (0.0.0.0 for all)."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    max_upload_mb: float = typer.Option(
        DEFAULT_MAX_UPLOAD_BYTES / 1024 / 1024, min=0.001, help="Largest accepted upload, in MiB."
    ),
) -> None:
    """Serve the REST API (under /api, docs at /docs) and the web dashboard (at /)."""
    settings = ServerSettings(db=db, max_upload_bytes=int(max_upload_mb * 1024 * 1024))
    app = create_app(settings)
    console.print(f"deskmix serving {app.state.store.url} on http://{host}:{port}")
    uvicorn.run(app, host=host, port=port, log_level="info")
