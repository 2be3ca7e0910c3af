"""add coupon to orders

Revision ID: ac4e6a8c0ef8
Revises: 38c0e2a4b6e7
Create Date: 2026-06-23 13:36:00.142542

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ac4e6a8c0ef8'
down_revision = '38c0e2a4b6e7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("coupon_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_orders_coupon_id", "coupons", ["coupon_id"], ["id"])


def downgrade():
    with op.batch_alter_table("orders") as batch:
        batch.drop_constraint("fk_orders_coupon_id", type_="foreignkey")
        batch.drop_column("coupon_id")
