"""add product description

Revision ID: 2b4d6f8a977a
Revises: da5f7b9c166f
Create Date: 2026-09-03 14:52:00.205894

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2b4d6f8a977a'
down_revision = 'da5f7b9c166f'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("products", sa.Column("description", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("products") as batch:
        batch.drop_column("description")
