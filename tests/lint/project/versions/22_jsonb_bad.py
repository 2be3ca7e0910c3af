"""Uses a JSONB-only operator on a json column.

Revision ID: jsonb_bad
Revises: events_table
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "jsonb_bad"
down_revision = "events_table"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM events WHERE payload ? 'obsolete'")


def downgrade():
    pass  # cairn: allow irreversible-downgrade — deleted rows cannot come back
