"""live desk: the policy's memory (round robin's next turn), shared by every server process

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("live_desk", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("policy_memory", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("live_desk", schema=None) as batch_op:
        batch_op.drop_column("policy_memory")
