"""One live server per test module: a real uvicorn on a fresh SQLite store, with tokens."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from deskmix.api.app import create_app
from deskmix.api.settings import ServerSettings
from deskmix.api.tokens import create_token
from deskmix.store import Store
from deskmix.store.live_repository import TICKETS
from deskmix.store.models import ImportRecord, JobRow, TicketRow
from tests.live_server import LiveServer, serve_in_thread

UPLOAD_LIMIT = 200_000


@dataclass
class Api:
    server: LiveServer
    tokens: dict[str, str]

    @property
    def store(self) -> Store:
        store: Store = self.server.app.state.store
        return store

    def client(self, scope: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[scope]}"} if scope else {}
        return httpx.Client(base_url=self.server.base_url, headers=headers, timeout=60)

    def counts(self) -> dict[str, int]:
        """Rows in every table a request could write: 'unchanged' is asserted on these."""
        with self.store.transaction() as conn:
            return {
                table.__name__ if hasattr(table, "__name__") else str(table): conn.scalar(
                    select(func.count()).select_from(table)
                )
                or 0
                for table in (ImportRecord, TicketRow, JobRow, TICKETS)
            }


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder: Path = tmp_path_factory.mktemp("api")
    # Reads are public here: these tests are about what the API does; private reads (the
    # default) have their own tests.
    settings = ServerSettings(
        db=str(folder / "api.db"), max_upload_bytes=UPLOAD_LIMIT, sim_workers=1, public_reads=True
    )
    app = create_app(settings)
    tokens = {
        scope: create_token(app.state.store, f"{scope} token", [scope])[0]
        for scope in ("admin", "route", "import", "jobs", "read")
    }
    with serve_in_thread(app) as server:
        yield Api(server, tokens)
