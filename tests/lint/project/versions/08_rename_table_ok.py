"""Renames a table created on the same path.

Revision ID: rename_table_ok
Revises: rename_table_bad
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "rename_table_ok"
down_revision = "rename_table_bad"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("staging_x", sa.Column("id", sa.Integer, primary_key=True), sa.Column("label", sa.String(10)))
    op.rename_table("staging_x", "staging_y")


def downgrade():
    op.drop_table("staging_y")
