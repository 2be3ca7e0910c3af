"""create coupons table

Revision ID: 38c0e2a4b6e7
Revises: f5b7d9e1a3d6
Create Date: 2026-06-14 13:19:00.134623

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '38c0e2a4b6e7'
down_revision = 'f5b7d9e1a3d6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "coupons",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("percent_off", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
    )


def downgrade():
    op.drop_table("coupons")
