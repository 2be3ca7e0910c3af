"""add total to orders

Revision ID: e1a3c5e7a93c
Revises: 5f7b9d1f3a2b
Create Date: 2026-07-29 10:44:00.174218

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1a3c5e7a93c'
down_revision = '5f7b9d1f3a2b'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("orders", sa.Column("total_cents", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("total_cents")
