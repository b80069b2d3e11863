"""REST API tokens (hashed, with scopes), live routing state (desk, agents, queues, tickets), jobs

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from deskmix.store.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "live_desk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("queues", sa.Integer(), nullable=False),
        sa.Column("team_name", sa.String(length=200), nullable=False),
        sa.Column("policy", sa.String(length=60), nullable=False),
        sa.Column("policy_settings", sa.JSON(), nullable=False),
        sa.Column("team", sa.JSON(), nullable=False),
        sa.Column("loaded_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    # The desk row exists from the start: routing locks it first, so it must be there to lock.
    desk = sa.table(
        "live_desk",
        sa.column("id", sa.Integer()),
        sa.column("version", sa.Integer()),
        sa.column("queues", sa.Integer()),
        sa.column("team_name", sa.String()),
        sa.column("policy", sa.String()),
        sa.column("policy_settings", sa.JSON()),
        sa.column("team", sa.JSON()),
    )
    op.bulk_insert(
        desk,
        [
            {
                "id": 1,
                "version": 0,
                "queues": 0,
                "team_name": "",
                "policy": "generalist_first",
                "policy_settings": {},
                "team": {},
            }
        ],
    )
    op.create_table(
        "live_agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("cost_per_hour", sa.Float(), nullable=False),
        sa.Column("on_shift", sa.Boolean(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("busy_since", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("position"),
        sa.UniqueConstraint("ticket_id"),
    )
    op.create_table(
        "live_queues",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kinds", sa.String(length=60), nullable=False),
        sa.Column("domain", sa.String(length=60), nullable=True),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "live_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("domain", sa.String(length=60), nullable=False),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("queue", sa.String(length=200), nullable=True),
        sa.Column("msp", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("work_limit_hours", sa.Float(), nullable=True),
        sa.Column("generalist_hours", sa.Float(), nullable=False),
        sa.Column("opened_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("queued_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("assigned_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("live_tickets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_live_tickets_waiting",
            ["state", "queue", "priority", "opened_at"],
            unique=False,
        )
        batch_op.create_index(
            "uq_live_tickets_one_per_agent",
            ["agent_id"],
            unique=True,
            sqlite_where=sa.text("state = 'assigned'"),
            postgresql_where=sa.text("state = 'assigned'"),
        )
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("runner", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jobs_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jobs_status"))
    op.drop_table("jobs")
    with op.batch_alter_table("live_tickets", schema=None) as batch_op:
        batch_op.drop_index("uq_live_tickets_one_per_agent")
        batch_op.drop_index("ix_live_tickets_waiting")
    op.drop_table("live_tickets")
    op.drop_table("live_queues")
    op.drop_table("live_agents")
    op.drop_table("live_desk")
    op.drop_table("api_tokens")
