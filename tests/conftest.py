"""Shared fixtures: a real store on SQLite and on PostgreSQL, fixture files, the public data.

PostgreSQL: ``DESKMIX_TEST_PG`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``).
Each test gets a schema of its own, dropped afterwards. Outside CI a missing server skips
those tests with a message; in CI (``CI=true``) it is a failure, because CI installs one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text

from deskmix.store import Store, open_store

# Property tests check behaviour, never speed (speed is measured in benchmarks/): no per-case
# deadline, which failed whole runs on a busy 2-core machine.
settings.register_profile("deskmix", deadline=None)
settings.load_profile("deskmix")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = REPO.parent / "shared" / "data"
PG_URL = os.environ.get("DESKMIX_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_reason() -> str | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure to reach the server
        return f"PostgreSQL at {PG_URL} not reachable ({type(exc).__name__})"
    return None


_PG_UNAVAILABLE = _postgres_reason()


def pytest_report_header() -> list[str]:
    return [
        f"postgres: {_PG_UNAVAILABLE or 'available at ' + PG_URL}",
        f"shared data: {'present' if SHARED_DATA.is_dir() else 'absent (those tests skip)'}",
    ]


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def shared_data() -> Path:
    """The public datasets beside the repo; tests needing them skip cleanly when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("public datasets (../shared/data) not present in this checkout")
    return SHARED_DATA


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "deskmix.db")
    yield store
    store.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL pointing at a fresh, empty PostgreSQL schema."""
    if _PG_UNAVAILABLE:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{_PG_UNAVAILABLE}; CI must provide PostgreSQL")
        pytest.skip(_PG_UNAVAILABLE)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Store]:
    store = open_store(pg_url)
    yield store
    store.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> Store:
    """The same test on both databases deskmix supports."""
    name = "sqlite_store" if request.param == "sqlite" else "pg_store"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]
