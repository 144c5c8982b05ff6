"""signals: subscriptions of either kind, processes that start on a signal

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("message_subscription", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=10), nullable=False, server_default="message")
        )
    with op.batch_alter_table("process_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signal_starts", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("process_version", schema=None) as batch_op:
        batch_op.drop_column("signal_starts")
    with op.batch_alter_table("message_subscription", schema=None) as batch_op:
        batch_op.drop_column("kind")
