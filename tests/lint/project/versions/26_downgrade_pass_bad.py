"""Creates a table and forgets its downgrade.

Revision ID: downgrade_pass_bad
Revises: syntax_ok
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "downgrade_pass_bad"
down_revision = "syntax_ok"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("notes", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    pass
