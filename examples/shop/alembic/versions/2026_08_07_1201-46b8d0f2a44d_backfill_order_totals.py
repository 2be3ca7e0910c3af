"""backfill order totals

Revision ID: 46b8d0f2a44d
Revises: e1a3c5e7a93c
Create Date: 2026-08-07 12:01:00.182137

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '46b8d0f2a44d'
down_revision = 'e1a3c5e7a93c'
branch_labels = None
depends_on = None


def upgrade():
    # One set-based statement computes every total at once.
    op.execute(
        """
        UPDATE orders SET total_cents = (
            SELECT COALESCE(SUM(oi.quantity * oi.unit_price_cents), 0)
            FROM order_items oi WHERE oi.order_id = orders.id
        )
        WHERE total_cents IS NULL
        """
    )


def downgrade():
    op.execute("UPDATE orders SET total_cents = NULL")
