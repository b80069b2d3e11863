"""Building the ASGI application: the store opened once, the API routers, the dashboard.

One factory serves ``deskmix serve``, the tests (which start it under a real uvicorn) and the
load benchmark, so all three exercise the same wiring.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi_offline import FastAPIOffline

from deskmix import __version__
from deskmix.api.auth import TokenCache
from deskmix.api.errors import document_errors, install_error_handlers
from deskmix.api.input_guard import InputGuard
from deskmix.api.limits import BodyLimit
from deskmix.api.routers import imports, jobs, live, people, tickets, triage, validate
from deskmix.api.settings import ServerSettings
from deskmix.api.triage_service import TriageService
from deskmix.jobs.runner import JobRunner
from deskmix.lifeline import exit_with_parent
from deskmix.live import Desk
from deskmix.store import Store, open_store
from deskmix.web import mount_web

SETTINGS_ENV = "DESKMIX_SERVE_SETTINGS"
API_DOCS_ASSETS = "/vendor/api-docs"

DESCRIPTION = """Import, triage, route, simulate and plan an IT support team.

Every request but health needs a bearer token (`deskmix token create --scope SCOPE`): a
write its scope, a read `read` (unless the server runs with `--public-reads`). Errors answer
`{"detail": "...", "errors": [...]}`: 422 for bad input (naming the field and what was
expected), 401/403 for tokens, 404 for unknown ids, 409 when the desk's state forbids the
request, 413 for bodies over the limit, 500 for a fault of the server. See docs/api.md."""


def create_app(settings: ServerSettings) -> FastAPI:
    """The application for one store; the store is opened (and migrated) before serving."""
    store = open_store(settings.db)
    runner = JobRunner(
        store,
        settings.job_threads,
        settings.sim_workers,
        settings.dask,
        heartbeat_seconds=settings.job_heartbeat_seconds,
    )
    desk = Desk(store, durable=settings.durable_routing)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        desk.close()
        runner.shutdown()
        store.dispose()

    # /docs (Swagger UI) and /redoc with their scripts and styles from the fastapi-offline
    # package, served under /vendor/api-docs: no CDN, so they render offline. Like the schema
    # they are open (web/session.py lists them); the calls made from them carry a token.
    app = FastAPIOffline(
        title="deskmix",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        static_url=API_DOCS_ASSETS,
        favicon_url="/static/favicon.svg",
    )
    app.state.store = store
    app.state.settings = settings
    app.state.live_desk = desk
    app.state.triage_service = TriageService(settings.triage_model)
    app.state.job_runner = runner
    app.state.token_cache = TokenCache(store)
    # Last added runs first: the body limit bounds what the input guard reads.
    app.add_middleware(InputGuard)
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes)
    install_error_handlers(app)
    document_errors(app)

    @app.get("/api/health", tags=["meta"], summary="Liveness and the store in use")
    def health() -> dict[str, str]:
        """Liveness and which store this server uses (password hidden)."""
        return {"status": "ok", "version": __version__, "store": store.url}

    routers = (imports, tickets, triage, live, jobs, people, validate)
    for module in routers:
        app.include_router(module.router, prefix="/api")

    mount_web(app)
    return app


def app_from_env() -> FastAPI:
    """The factory uvicorn calls in each worker process of ``deskmix serve --workers N``:
    settings travel in an environment variable because workers are fresh processes. Each
    worker ends with uvicorn's supervisor, so a killed ``deskmix serve`` leaves none behind."""
    exit_with_parent()
    raw = os.environ.get(SETTINGS_ENV)
    settings = ServerSettings.model_validate_json(raw) if raw else ServerSettings()
    return create_app(settings)


def store_of(request: Request) -> Store:
    """The server's store, for route handlers (a FastAPI dependency)."""
    store: Store = request.app.state.store
    return store
