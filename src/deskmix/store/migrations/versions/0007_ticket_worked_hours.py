"""tickets: worked_hours, the hands-on hours a source recorded (GLPI task durations)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column without a default: an ALTER TABLE ... ADD COLUMN on both databases,
    # no table rebuild; every stored ticket reads as "nothing recorded".
    op.add_column("tickets", sa.Column("worked_hours", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("worked_hours")
