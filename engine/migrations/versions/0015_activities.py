"""activities: one row per activity instance

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 18:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("element_type", sa.String(length=50), nullable=False),
        sa.Column("element_name", sa.String(length=300), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
        sa.UniqueConstraint("instance_id", "task_id", name=op.f("uq_activity_instance_id")),
    )
    op.create_index(op.f("ix_activity_instance_id"), "activity", ["instance_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_activity_instance_id"), table_name="activity")
    op.drop_table("activity")
