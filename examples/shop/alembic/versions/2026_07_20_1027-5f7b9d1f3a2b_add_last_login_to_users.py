"""add last login to users

Revision ID: 5f7b9d1f3a2b
Revises: c0e2a4c6e81a
Create Date: 2026-07-20 10:27:00.166299

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5f7b9d1f3a2b'
down_revision = 'c0e2a4c6e81a'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("last_login_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_login_at")
