"""Drops an existing table.

Revision ID: drop_table_bad
Revises: start
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "drop_table_bad"
down_revision = "start"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table("audit")


def downgrade():
    op.create_table("audit", sa.Column("id", sa.Integer, primary_key=True), sa.Column("msg", sa.Text))
