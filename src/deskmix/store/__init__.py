"""Persistence: SQLAlchemy 2 models, Alembic migrations, and every query deskmix makes.

Only this package builds queries (the live desk's tables aside); everyone else calls a named
function: ``queries`` (stored tickets and events, pages, counts), ``selection`` (which tickets
a reader wants), ``imports`` (an import written or removed as one transaction), ``tokens``,
``jobs`` (the background jobs' rows), ``schema`` (column limits for checks before a write),
``errors`` (the database's "cannot store this value" errors).
"""

from deskmix.store.db import Store, default_db_url, open_store

__all__ = ["Store", "default_db_url", "open_store"]
