"""Creates events with a json and a jsonb column.

Revision ID: events_table
Revises: backfill_ok
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "events_table"
down_revision = "backfill_ok"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("events", sa.Column("id", sa.Integer, primary_key=True), sa.Column("payload", sa.JSON), sa.Column("data", postgresql.JSONB))


def downgrade():
    op.drop_table("events")
