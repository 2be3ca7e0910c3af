"""Writes SQLite's AUTOINCREMENT for PostgreSQL.

Revision ID: syntax_bad
Revises: jsonb_ok
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "syntax_bad"
down_revision = "jsonb_ok"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE TABLE counters (id INTEGER PRIMARY KEY AUTOINCREMENT)")


def downgrade():
    op.drop_table("counters")
