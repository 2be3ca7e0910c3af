"""Backfills names one row at a time.

Revision ID: backfill_bad
Revises: constraint_ok
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "backfill_bad"
down_revision = "constraint_ok"
branch_labels = None
depends_on = None


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, email FROM users WHERE full_name IS NULL")).fetchall()
    for row in rows:
        conn.execute(sa.text("UPDATE users SET full_name = :e WHERE id = :i"), {"e": row.email, "i": row.id})


def downgrade():
    pass  # cairn: allow irreversible-downgrade — a backfill has nothing to undo
