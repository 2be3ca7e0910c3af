"""add monthly sales rollup

Revision ID: reporting_monthly_rollup_materialized
Revises: 3d5f7b9d1fa1
Create Date: 2026-09-30 10:43:00.229651

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'reporting_monthly_rollup_materialized'
down_revision = '3d5f7b9d1fa1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "monthly_sales",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("revenue_cents", sa.BigInteger(), nullable=False),
    )


def downgrade():
    op.drop_table("monthly_sales")
