"""create order items table

Revision ID: 19ad5c3e7f24
Revises: c47e9d2a5b18
Create Date: 2026-02-08 13:21:00.023757

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '19ad5c3e7f24'
down_revision = 'c47e9d2a5b18'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "order_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("product_id", sa.Integer(), sa.ForeignKey("products.id"), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_cents", sa.Integer(), nullable=False),
    )


def downgrade():
    op.drop_table("order_items")
