"""Writes PostgreSQL's own serial column.

Revision ID: syntax_ok
Revises: syntax_bad
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "syntax_ok"
down_revision = "syntax_bad"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE TABLE counters2 (id SERIAL PRIMARY KEY)")


def downgrade():
    op.drop_table("counters2")
