"""Backfills names with one set-based statement.

Revision ID: backfill_ok
Revises: backfill_bad
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "backfill_ok"
down_revision = "backfill_bad"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE users SET full_name = email WHERE full_name IS NULL")


def downgrade():
    pass  # cairn: allow irreversible-downgrade — a backfill has nothing to undo
