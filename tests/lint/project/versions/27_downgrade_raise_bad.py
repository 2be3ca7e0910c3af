"""Creates a table and refuses to downgrade.

Revision ID: downgrade_raise_bad
Revises: downgrade_pass_bad
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "downgrade_raise_bad"
down_revision = "downgrade_pass_bad"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("tags", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    raise NotImplementedError("one way only")
