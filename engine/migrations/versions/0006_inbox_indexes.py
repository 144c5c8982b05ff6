"""inbox indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 13:18:34.850706
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_task_claimed_by"), ["claimed_by"], unique=False)
        batch_op.create_index(
            "ix_user_task_unassigned",
            ["lane", "created_at", "id"],
            unique=False,
            postgresql_where=sa.text("assignee IS NULL AND claimed_by IS NULL"),
            sqlite_where=sa.text("assignee IS NULL AND claimed_by IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("user_task", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_user_task_unassigned",
            postgresql_where=sa.text("assignee IS NULL AND claimed_by IS NULL"),
            sqlite_where=sa.text("assignee IS NULL AND claimed_by IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_user_task_claimed_by"))
