"""create products table

Revision ID: 8b2d4e6f1a03
Revises: 3f1c9a7e2b10
Create Date: 2026-01-21 10:47:00.007919

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b2d4e6f1a03'
down_revision = '3f1c9a7e2b10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
    )


def downgrade():
    op.drop_table("products")
