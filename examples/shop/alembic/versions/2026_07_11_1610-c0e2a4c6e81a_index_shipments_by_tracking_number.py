"""index shipments by tracking number

Revision ID: c0e2a4c6e81a
Revises: 7b9d1f3a5c09
Create Date: 2026-07-11 16:10:00.158380

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0e2a4c6e81a'
down_revision = '7b9d1f3a5c09'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_shipments_tracking_number", "shipments", ["tracking_number"])


def downgrade():
    op.drop_index("ix_shipments_tracking_number", table_name="shipments")
