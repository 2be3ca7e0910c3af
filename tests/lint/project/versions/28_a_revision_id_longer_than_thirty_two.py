"""An id too long for VARCHAR(32).

Revision ID: a_revision_id_longer_than_thirty_two
Revises: downgrade_raise_bad
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "a_revision_id_longer_than_thirty_two"
down_revision = "downgrade_raise_bad"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("labels", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("labels")
