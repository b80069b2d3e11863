"""imports: the mapping's hash joins the file's in recognising a re-import

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("mapping_hash", sa.String(length=64), server_default="", nullable=False)
        )
        batch_op.drop_constraint("uq_imports_source_hash", type_="unique")
        batch_op.create_unique_constraint(
            "uq_imports_file_mapping", ["source", "file_hash", "mapping_hash"]
        )


def downgrade() -> None:
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.drop_constraint("uq_imports_file_mapping", type_="unique")
        batch_op.create_unique_constraint("uq_imports_source_hash", ["source", "file_hash"])
        batch_op.drop_column("mapping_hash")
