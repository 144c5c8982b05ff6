"""timers carry their instance's process and business key

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 15:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("timer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("process_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("business_key", sa.String(length=200), nullable=True))
    op.execute(
        "UPDATE timer SET "
        "process_id = (SELECT process_id FROM instance WHERE instance.id = timer.instance_id), "
        "business_key = (SELECT business_key FROM instance WHERE instance.id = timer.instance_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("timer", schema=None) as batch_op:
        batch_op.drop_column("business_key")
        batch_op.drop_column("process_id")
