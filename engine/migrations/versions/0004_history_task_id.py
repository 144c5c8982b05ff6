"""history task id

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 12:14:38.753231
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.add_column(sa.Column("task_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_history_task_id"), ["task_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_history_task_id"))
        batch_op.drop_column("task_id")
