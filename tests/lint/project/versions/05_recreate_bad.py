"""Recreates a table to change its check.

Revision ID: recreate_bad
Revises: drop_column_ok
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "recreate_bad"
down_revision = "drop_column_ok"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table("orders_archive")
    op.create_table("orders_archive", sa.Column("id", sa.Integer, primary_key=True), sa.Column("amount", sa.Numeric(10, 2)),
                    sa.CheckConstraint("amount > 0", name="ck_archive_amount"))


def downgrade():
    op.drop_constraint("ck_archive_amount", "orders_archive", type_="check")
