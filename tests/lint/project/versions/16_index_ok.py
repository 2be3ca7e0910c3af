"""Creates the index concurrently, outside the transaction.

Revision ID: index_ok
Revises: index_bad
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "index_ok"
down_revision = "index_bad"
branch_labels = None
depends_on = None


def upgrade():
    with op.get_context().autocommit_block():
        op.create_index("ix_orders_status", "orders", ["status"], postgresql_concurrently=True)


def downgrade():
    with op.get_context().autocommit_block():
        op.drop_index("ix_orders_status", table_name="orders", postgresql_concurrently=True)
