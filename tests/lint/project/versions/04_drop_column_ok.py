"""Adds a nullable column and drops it again: the column is new.

Revision ID: drop_column_ok
Revises: drop_column_bad
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "drop_column_ok"
down_revision = "drop_column_bad"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("orders", sa.Column("tmp", sa.Text))
    op.drop_column("orders", "tmp")


def downgrade():
    pass  # cairn: allow irreversible-downgrade — the upgrade leaves nothing behind
