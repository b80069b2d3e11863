"""live queues: their length kept in the row; queue order and queue age from indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("live_queues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("waiting", sa.Integer(), server_default="0", nullable=False))
    op.execute(
        "UPDATE live_queues SET waiting = (SELECT count(*) FROM live_tickets "
        "WHERE live_tickets.state = 'queued' AND live_tickets.queue = live_queues.name)"
    )
    op.drop_index("ix_live_tickets_waiting", table_name="live_tickets")
    op.create_index(
        "ix_live_tickets_queue_order",
        "live_tickets",
        ["state", "queue", "priority", "opened_at", "id"],
    )
    op.create_index("ix_live_tickets_queued_since", "live_tickets", ["state", "queue", "queued_at"])


def downgrade() -> None:
    op.drop_index("ix_live_tickets_queued_since", table_name="live_tickets")
    op.drop_index("ix_live_tickets_queue_order", table_name="live_tickets")
    op.create_index(
        "ix_live_tickets_waiting", "live_tickets", ["state", "queue", "priority", "opened_at"]
    )
    with op.batch_alter_table("live_queues", schema=None) as batch_op:
        batch_op.drop_column("waiting")
