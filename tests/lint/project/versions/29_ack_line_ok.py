"""Drops a column, acknowledged on the line.

Revision ID: ack_line_ok
Revises: a_revision_id_longer_than_thirty_two
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "ack_line_ok"
down_revision = "a_revision_id_longer_than_thirty_two"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_column("users", "legacy2")  # cairn: allow drop-column — unused since v2, backed up


def downgrade():
    op.add_column("users", sa.Column("legacy2", sa.Text))
