"""recreate inventory per warehouse

Revision ID: f5b7d9e1a3d6
Revises: 61a3c5e7f9c5
Create Date: 2026-06-05 12:02:00.126704

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f5b7d9e1a3d6'
down_revision = '61a3c5e7f9c5'
branch_labels = None
depends_on = None


def upgrade():
    # The first design kept one stock figure per product; stock is per warehouse.
    # The table held only derived counts, so it is dropped and rebuilt, not migrated.
    op.drop_table("inventory")
    op.create_table(
        "inventory",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("product_id", sa.Integer(), sa.ForeignKey("products.id"), nullable=False),
        sa.Column("warehouse", sa.String(40), nullable=False),
        sa.Column("on_hand", sa.Integer(), server_default="0", nullable=False),
        sa.UniqueConstraint("product_id", "warehouse", name="uq_inventory_product_warehouse"),
    )


def downgrade():
    op.drop_table("inventory")
    op.create_table(
        "inventory",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("product_id", sa.Integer(), sa.ForeignKey("products.id"), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
    )
