"""make product sku required

Revision ID: e8a4b6c2d069
Revises: 6d3f8a1c2e58
Create Date: 2026-03-25 10:46:00.063352

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e8a4b6c2d069'
down_revision = '6d3f8a1c2e58'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("products") as batch:
        batch.alter_column("sku", existing_type=sa.String(64), nullable=False)
    op.create_index("ix_products_sku", "products", ["sku"], unique=True)


def downgrade():
    op.drop_index("ix_products_sku", table_name="products")
    with op.batch_alter_table("products") as batch:
        batch.alter_column("sku", existing_type=sa.String(64), nullable=True)
