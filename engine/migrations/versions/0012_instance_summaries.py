"""instance summaries: the fields lists and figures read, one narrow row per instance

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 15:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Filled for the instances already there by ManagementService.create_schema.
    op.create_table(
        "instance_summary",
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("process_id", sa.String(length=200), nullable=False),
        sa.Column("business_key", sa.String(length=200), nullable=True),
        sa.Column(
            "fields", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("search", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["instance.id"],
            name=op.f("fk_instance_summary_instance_id_instance"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("instance_id", name=op.f("pk_instance_summary")),
    )
    op.create_index(
        "ix_instance_summary_process_key",
        "instance_summary",
        ["process_id", "business_key"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_instance_summary_process_key", table_name="instance_summary")
    op.drop_table("instance_summary")
