"""initial schema: imports, tickets, events, groups, agents

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from deskmix.store.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("cost_per_hour", sa.Float(), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_system", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("domain", sa.String(length=60), nullable=True),
        sa.Column("tier", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_system", "name", name="uq_groups_source_name"),
    )
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=False),
        sa.Column("imported_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("tickets_added", sa.Integer(), nullable=False),
        sa.Column("events_added", sa.Integer(), nullable=False),
        sa.Column("tickets_skipped", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "file_hash", name="uq_imports_source_hash"),
    )
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_imports_file_hash"), ["file_hash"], unique=False)

    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("source_system", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("opened_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("domain", sa.String(length=60), nullable=True),
        sa.Column("tier", sa.String(length=20), nullable=True),
        sa.Column("priority", sa.String(length=4), nullable=True),
        sa.Column("impact", sa.Integer(), nullable=True),
        sa.Column("urgency", sa.Integer(), nullable=True),
        sa.Column("group_name", sa.String(length=200), nullable=True),
        sa.Column("assignee", sa.String(length=200), nullable=True),
        sa.Column("resolver", sa.String(length=200), nullable=True),
        sa.Column("reassignments", sa.Integer(), nullable=True),
        sa.Column("reopens", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=60), nullable=True),
        sa.Column("category", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_system", "key", name="uq_tickets_source_key"),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tickets_domain"), ["domain"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_import_id"), ["import_id"], unique=False)
        batch_op.create_index("ix_tickets_opened_at", ["opened_at"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=120), nullable=True),
        sa.Column("group_name", sa.String(length=200), nullable=True),
        sa.Column("assignee", sa.String(length=200), nullable=True),
        sa.Column("tier", sa.String(length=20), nullable=True),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_ticket_id"))

    op.drop_table("events")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_opened_at")
        batch_op.drop_index(batch_op.f("ix_tickets_import_id"))
        batch_op.drop_index(batch_op.f("ix_tickets_domain"))

    op.drop_table("tickets")
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_imports_file_hash"))

    op.drop_table("imports")
    op.drop_table("groups")
    op.drop_table("agents")
