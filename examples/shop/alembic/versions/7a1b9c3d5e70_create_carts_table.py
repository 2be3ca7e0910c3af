"""create carts table

Revision ID: 7a1b9c3d5e70
Revises: 0f7e6d5c4b3a
Create Date: 2026-04-12 13:20:00.079190

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a1b9c3d5e70'
down_revision = '0f7e6d5c4b3a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "carts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
    )


def downgrade():
    op.drop_table("carts")
