"""index orders by user and date

Revision ID: 5e6f7a8b9c35
Revises: 19ad5c3e7f24
Create Date: 2026-02-17 13:38:00.031676

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e6f7a8b9c35'
down_revision = '19ad5c3e7f24'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_orders_user_id_created_at", "orders", ["user_id", "created_at"])


def downgrade():
    op.drop_index("ix_orders_user_id_created_at", table_name="orders")
