"""create daily sales rollup

Revision ID: 8c1e3a5c7e90
Revises: 
Create Date: 2026-09-12 16:09:00.213813

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8c1e3a5c7e90'
down_revision = None
branch_labels = ('reporting',)
depends_on = 'c47e9d2a5b18'


def upgrade():
    op.create_table(
        "daily_sales",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("revenue_cents", sa.BigInteger(), nullable=False),
    )


def downgrade():
    op.drop_table("daily_sales")
