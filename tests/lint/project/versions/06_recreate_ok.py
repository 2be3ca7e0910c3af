"""Adds the check in place, NOT VALID then VALIDATE.

Revision ID: recreate_ok
Revises: recreate_bad
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "recreate_ok"
down_revision = "recreate_bad"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE orders_archive ADD CONSTRAINT ck_archive_positive CHECK (amount >= 0) NOT VALID")
    op.execute("ALTER TABLE orders_archive VALIDATE CONSTRAINT ck_archive_positive")


def downgrade():
    op.drop_constraint("ck_archive_positive", "orders_archive", type_="check")
