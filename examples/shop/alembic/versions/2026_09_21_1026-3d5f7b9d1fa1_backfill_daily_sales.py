"""backfill daily sales

Revision ID: 3d5f7b9d1fa1
Revises: 8c1e3a5c7e90
Create Date: 2026-09-21 10:26:00.221732

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3d5f7b9d1fa1'
down_revision = '8c1e3a5c7e90'
branch_labels = None
depends_on = None


def upgrade():
    # Set-based: one INSERT ... SELECT over all history.
    op.execute(
        "INSERT INTO daily_sales (day, orders, revenue_cents) "
        "SELECT DATE(created_at), COUNT(*), 0 FROM orders GROUP BY DATE(created_at)"
    )


def downgrade():
    op.execute("DELETE FROM daily_sales")
