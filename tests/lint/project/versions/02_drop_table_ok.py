"""Drops a table created on the same path: nothing to lose.

Revision ID: drop_table_ok
Revises: drop_table_bad
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "drop_table_ok"
down_revision = "drop_table_bad"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("scratch", sa.Column("id", sa.Integer, primary_key=True))
    op.drop_table("scratch")


def downgrade():
    pass  # cairn: allow irreversible-downgrade — the upgrade leaves nothing behind
