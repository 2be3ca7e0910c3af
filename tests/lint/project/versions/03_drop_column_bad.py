"""Drops a column of an existing table.

Revision ID: drop_column_bad
Revises: drop_table_ok
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "drop_column_bad"
down_revision = "drop_table_ok"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_column("users", "legacy_flag")


def downgrade():
    op.add_column("users", sa.Column("legacy_flag", sa.Boolean))
