"""Persistence: SQLAlchemy 2 models, Alembic migrations, one transaction per import."""

from deskmix.store.db import Store, default_db_url, open_store

__all__ = ["Store", "default_db_url", "open_store"]
