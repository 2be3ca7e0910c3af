"""add order status check

Revision ID: 4d6e8f0a2b92
Revises: 0f7e6d5c4b3a
Create Date: 2026-04-30 14:54:00.095028

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d6e8f0a2b92'
down_revision = '0f7e6d5c4b3a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders") as batch:
        batch.create_check_constraint("ck_orders_status", "status IN ('new', 'paid', 'shipped', 'cancelled')")


def downgrade():
    with op.batch_alter_table("orders") as batch:
        batch.drop_constraint("ck_orders_status", type_="check")
