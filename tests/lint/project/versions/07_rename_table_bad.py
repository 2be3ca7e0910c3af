"""Renames an existing table.

Revision ID: rename_table_bad
Revises: recreate_ok
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "rename_table_bad"
down_revision = "recreate_ok"
branch_labels = None
depends_on = None


def upgrade():
    op.rename_table("audit_log", "audit_entries")


def downgrade():
    op.rename_table("audit_entries", "audit_log")
