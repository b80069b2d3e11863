"""Alembic environment: deskmix passes its own connection in, so no alembic.ini is needed."""

from __future__ import annotations

from alembic import context

from deskmix.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached by running the alembic CLI directly
    raise RuntimeError("deskmix migrations run through deskmix.store.open_store()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
