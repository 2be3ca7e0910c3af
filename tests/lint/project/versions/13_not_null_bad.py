"""Adds a NOT NULL column without a default and sets another NOT NULL.

Revision ID: not_null_bad
Revises: type_change_ok
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "not_null_bad"
down_revision = "type_change_ok"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("orders", sa.Column("currency", sa.String(3), nullable=False))
    op.alter_column("orders", "note", existing_type=sa.Text, nullable=False)


def downgrade():
    op.alter_column("orders", "note", existing_type=sa.Text, nullable=True)
    op.drop_column("orders", "currency")
