"""Drops a table, acknowledged in the docstring.

cairn: allow drop-table — the reports moved to the warehouse

Revision ID: ack_doc_ok
Revises: ack_line_ok
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "ack_doc_ok"
down_revision = "ack_line_ok"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table("old_reports")


def downgrade():
    op.create_table("old_reports", sa.Column("id", sa.Integer, primary_key=True))
