"""an applicant's instances and a business key's tasks, by index

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 03:30:00
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("instance", schema=None) as batch_op:
        batch_op.create_index(
            "ix_instance_process_started_by", ["process_id", "started_by", "started_at"]
        )
    with op.batch_alter_table("user_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_task_business_key"), ["business_key"])


def downgrade() -> None:
    with op.batch_alter_table("user_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_task_business_key"))
    with op.batch_alter_table("instance", schema=None) as batch_op:
        batch_op.drop_index("ix_instance_process_started_by")
