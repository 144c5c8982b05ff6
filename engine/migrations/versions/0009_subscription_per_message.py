"""one subscription per message a task waits for (an event-based gateway waits for several)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 09:20:00
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

NAME = "uq_message_subscription_instance_id"


def upgrade() -> None:
    with op.batch_alter_table("message_subscription", schema=None) as batch_op:
        batch_op.drop_constraint(NAME, type_="unique")
        batch_op.create_unique_constraint(NAME, ["instance_id", "task_id", "message_name"])


def downgrade() -> None:
    with op.batch_alter_table("message_subscription", schema=None) as batch_op:
        batch_op.drop_constraint(NAME, type_="unique")
        batch_op.create_unique_constraint(NAME, ["instance_id", "task_id"])
