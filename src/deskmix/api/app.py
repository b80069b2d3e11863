"""Building the ASGI application: the store opened once, the API routers, the dashboard.

One factory serves ``deskmix serve``, the tests (which start it under a real uvicorn) and the
load benchmark, so all three exercise the same wiring.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from deskmix import __version__
from deskmix.api.settings import ServerSettings
from deskmix.errors import DeskmixError
from deskmix.store import Store, open_store
from deskmix.web import mount_web


def create_app(settings: ServerSettings) -> FastAPI:
    """The application for one store; the store is opened (and migrated) before serving."""
    store = open_store(settings.db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.dispose()

    app = FastAPI(
        title="deskmix",
        version=__version__,
        description="Import, triage, route, simulate and plan an IT support team.",
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.settings = settings

    @app.exception_handler(DeskmixError)
    async def _user_error(_request: Request, exc: DeskmixError) -> JSONResponse:
        # The same one-line message the CLI prints, so a user sees one wording everywhere.
        return JSONResponse(status_code=422, content={"detail": str(exc)})

    @app.get("/api/health", tags=["meta"])
    def health() -> dict[str, str]:
        """Liveness and which store this server uses (password hidden)."""
        return {"status": "ok", "version": __version__, "store": store.url}

    mount_web(app)
    return app


def store_of(request: Request) -> Store:
    """The server's store, for route handlers (a FastAPI dependency)."""
    store: Store = request.app.state.store
    return store
