"""add sku to products

Revision ID: 2c9e4b7d1f47
Revises: a1b2c3d4e5f6
Create Date: 2026-03-07 16:12:00.047514

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2c9e4b7d1f47'
down_revision = 'a1b2c3d4e5f6'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("products", sa.Column("sku", sa.String(64), nullable=True))


def downgrade():
    with op.batch_alter_table("products") as batch:
        batch.drop_column("sku")
