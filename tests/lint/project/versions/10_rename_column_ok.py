"""Renames a column of a table created on the same path.

Revision ID: rename_column_ok
Revises: rename_column_bad
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "rename_column_ok"
down_revision = "rename_column_bad"
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column("staging_y", "label", new_column_name="title")


def downgrade():
    op.alter_column("staging_y", "title", new_column_name="label")
