"""backfill product sku

Revision ID: 6d3f8a1c2e58
Revises: 2c9e4b7d1f47
Create Date: 2026-03-16 10:29:00.055433

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6d3f8a1c2e58'
down_revision = '2c9e4b7d1f47'
branch_labels = None
depends_on = None


def upgrade():
    # One set-based statement, not a row-by-row loop: safe on large tables.
    op.execute("UPDATE products SET sku = 'SKU-' || CAST(id AS VARCHAR(20)) WHERE sku IS NULL")


def downgrade():
    op.execute("UPDATE products SET sku = NULL")
