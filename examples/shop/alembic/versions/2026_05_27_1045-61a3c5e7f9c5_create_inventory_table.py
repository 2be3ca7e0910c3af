"""create inventory table

Revision ID: 61a3c5e7f9c5
Revises: d2f4a6b8c0b4
Create Date: 2026-05-27 10:45:00.118785

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '61a3c5e7f9c5'
down_revision = 'd2f4a6b8c0b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "inventory",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("product_id", sa.Integer(), sa.ForeignKey("products.id"), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
    )


def downgrade():
    op.drop_table("inventory")
