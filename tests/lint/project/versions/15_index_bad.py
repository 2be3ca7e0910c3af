"""Creates an index on an existing table in the transaction.

Revision ID: index_bad
Revises: not_null_ok
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "index_bad"
down_revision = "not_null_ok"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_orders_user_id", "orders", ["user_id"])


def downgrade():
    op.drop_index("ix_orders_user_id", table_name="orders")
