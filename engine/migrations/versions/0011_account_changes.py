"""who changed an account, when, and what

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 12:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("change", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["username"],
            ["app_user.username"],
            name=op.f("fk_account_change_username_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_change")),
    )
    with op.batch_alter_table("account_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_change_username"), ["username"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("account_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_change_username"))
    op.drop_table("account_change")
