"""merge carts feature into main

Revision ID: d2f4a6b8c0b4
Revises: 9e1f3a5b7ca3, b3c5d7e9f181
Create Date: 2026-05-18 10:28:00.110866

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd2f4a6b8c0b4'
down_revision = ('9e1f3a5b7ca3', 'b3c5d7e9f181')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
