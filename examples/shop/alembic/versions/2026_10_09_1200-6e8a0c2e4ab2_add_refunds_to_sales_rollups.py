"""add refunds to sales rollups

Revision ID: 6e8a0c2e4ab2
Revises: reporting_monthly_rollup_materialized
Create Date: 2026-10-09 12:00:00.237570

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6e8a0c2e4ab2'
down_revision = 'reporting_monthly_rollup_materialized'
branch_labels = None
depends_on = '9a2c4e6b855e'


def upgrade():
    op.add_column("daily_sales", sa.Column("refunded_cents", sa.BigInteger(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("daily_sales") as batch:
        batch.drop_column("refunded_cents")
