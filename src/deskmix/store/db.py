"""Opening a store: where the database lives, and bringing its schema up to date on open.

A user never runs migrations by hand: opening a store applies any pending Alembic revision, so a
newer deskmix upgrades an older file in place without losing what it holds.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from deskmix.errors import StoreError
from deskmix.store.models import EventRow, ImportRecord, TicketRow

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported when a store is opened, not when deskmix starts (--help, assess).

ENV_VAR = "DESKMIX_DB"


def default_db_url() -> str:
    """``DESKMIX_DB`` if set (a URL or, as for ``--db``, a plain SQLite file path), else a
    SQLite file under the user's data directory (XDG)."""
    if url := os.environ.get(ENV_VAR, "").strip():
        return normalise_db_url(url)
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{data_home / 'deskmix' / 'deskmix.db'}"


def normalise_db_url(db: str | Path | None) -> str:
    """Accept a URL (``postgresql+psycopg://...``) or a plain file path for SQLite."""
    if db is None:
        return default_db_url()
    text = str(db)
    if "://" in text:
        if text.startswith("postgresql://") or text.startswith("postgres://"):
            return "postgresql+psycopg://" + text.split("://", 1)[1]
        return text
    return f"sqlite:///{Path(text).expanduser()}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Python's sqlite3 module opens transactions only before DML and commits DDL at once, so
    # a failed migration would be left half done. Take transactions over: no implicit ones
    # from the driver, an explicit BEGIN from SQLAlchemy (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def _alembic_config(connection: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = connection
    return config


@dataclass
class Store:
    """A migrated database plus the few queries every module needs."""

    engine: Engine

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One unit of work: committed whole on success, rolled back whole on any error."""
        with self.engine.begin() as connection:
            yield connection

    def session(self) -> Session:
        """An ORM session for reading rows as objects; use ``with store.session() as s:``."""
        return Session(self.engine)

    def migrate(self) -> None:
        """Apply pending revisions. On SQLite, foreign-key checks are off while a revision
        rebuilds a table (SQLite alters tables by copying them), and back on afterwards."""
        with self.engine.connect() as connection:
            raw: Any = connection.connection.driver_connection
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:  # outside any transaction, where SQLite honours it
                raw.execute("PRAGMA foreign_keys=OFF")
            try:
                with connection.begin():
                    from alembic import command

                    command.upgrade(_alembic_config(connection), "head")
            finally:
                if sqlite:
                    raw.execute("PRAGMA foreign_keys=ON")

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            return {
                "imports": connection.scalar(select(func.count()).select_from(ImportRecord)) or 0,
                "tickets": connection.scalar(select(func.count()).select_from(TicketRow)) or 0,
                "events": connection.scalar(select(func.count()).select_from(EventRow)) or 0,
            }

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(db: str | Path | None = None, *, migrate: bool = True, create: bool = True) -> Store:
    """Connect to ``db`` (URL or path), creating and migrating the database if needed.

    ``create=False`` is for commands that only read: a mistyped path then fails with a clear
    message instead of leaving an empty database behind.
    """
    url = normalise_db_url(db)
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            if not create and not Path(path).exists():
                raise StoreError(
                    f"no database at {path}; check --db (or DESKMIX_DB), or import into it first"
                )
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreError(f"cannot use database '{url}': {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    store = Store(engine)
    if migrate:
        try:
            store.migrate()
        except OperationalError as exc:
            shown = engine.url.render_as_string(hide_password=True)
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise StoreError(f"cannot open database '{shown}': {reason}") from exc
    return store
