"""create shipments table

Revision ID: 7b9d1f3a5c09
Revises: ac4e6a8c0ef8
Create Date: 2026-07-02 14:53:00.150461

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b9d1f3a5c09'
down_revision = 'ac4e6a8c0ef8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "shipments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id"), nullable=False),
        sa.Column("carrier", sa.String(40), nullable=False),
        sa.Column("tracking_number", sa.String(80), nullable=True),
        sa.Column("shipped_at", sa.DateTime(), nullable=True),
    )


def downgrade():
    op.drop_table("shipments")
