"""Renames a column of an existing table.

Revision ID: rename_column_bad
Revises: rename_table_ok
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "rename_column_bad"
down_revision = "rename_table_ok"
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column("users", "name", new_column_name="full_name")


def downgrade():
    op.alter_column("users", "full_name", new_column_name="name")
