"""Uses the operator on jsonb, and on json cast to jsonb.

Revision ID: jsonb_ok
Revises: jsonb_bad
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "jsonb_ok"
down_revision = "jsonb_bad"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM events WHERE data ? 'obsolete' OR payload::jsonb @> '{\"stale\": true}'")


def downgrade():
    pass  # cairn: allow irreversible-downgrade — deleted rows cannot come back
