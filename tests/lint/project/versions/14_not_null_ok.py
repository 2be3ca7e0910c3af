"""Adds a NOT NULL column with a server default.

Revision ID: not_null_ok
Revises: not_null_bad
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "not_null_ok"
down_revision = "not_null_bad"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("orders", sa.Column("region", sa.String(2), nullable=False, server_default="eu"))


def downgrade():
    op.drop_column("orders", "region")
