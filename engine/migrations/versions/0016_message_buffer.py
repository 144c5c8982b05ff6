"""message buffer: messages kept until a matching catch opens

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_buffer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_name", sa.String(length=200), nullable=False),
        sa.Column("correlation", sa.String(length=500), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_buffer")),
    )
    op.create_index("ix_message_buffer_lookup", "message_buffer", ["message_name", "correlation"])
    op.create_index(op.f("ix_message_buffer_expires_at"), "message_buffer", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_message_buffer_expires_at"), table_name="message_buffer")
    op.drop_index("ix_message_buffer_lookup", table_name="message_buffer")
    op.drop_table("message_buffer")
