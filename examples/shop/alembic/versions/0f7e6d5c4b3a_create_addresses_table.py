"""create addresses table

Revision ID: 0f7e6d5c4b3a
Revises: e8a4b6c2d069
Create Date: 2026-04-03 12:03:00.071271

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0f7e6d5c4b3a'
down_revision = 'e8a4b6c2d069'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "addresses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("line1", sa.String(200), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("postcode", sa.String(20), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
    )


def downgrade():
    op.drop_table("addresses")
