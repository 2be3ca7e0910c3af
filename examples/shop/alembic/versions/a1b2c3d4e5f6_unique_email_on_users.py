"""unique email on users

Revision ID: a1b2c3d4e5f6
Revises: 5e6f7a8b9c35
Create Date: 2026-02-26 14:55:00.039595

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1b2c3d4e5f6'
down_revision = '5e6f7a8b9c35'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_users_email", "users", ["email"], unique=True)


def downgrade():
    op.drop_index("ix_users_email", table_name="users")
