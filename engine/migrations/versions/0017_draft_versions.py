"""draft versions: saved, compared, started by nobody until deployed

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 19:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("saved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("deployment", sa.Integer(), nullable=True))
        batch_op.alter_column(
            "deployed_at", existing_type=sa.DateTime(timezone=True), nullable=True
        )
    op.execute("UPDATE process_version SET saved_at = deployed_at, deployment = version")


def downgrade() -> None:
    op.execute("DELETE FROM process_version WHERE deployment IS NULL")
    with op.batch_alter_table("process_version", schema=None) as batch_op:
        batch_op.alter_column(
            "deployed_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.drop_column("deployment")
        batch_op.drop_column("saved_at")
