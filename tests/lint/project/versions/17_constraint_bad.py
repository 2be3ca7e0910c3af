"""Adds a foreign key that validates every row under lock.

Revision ID: constraint_bad
Revises: index_ok
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "constraint_bad"
down_revision = "index_ok"
branch_labels = None
depends_on = None


def upgrade():
    op.create_foreign_key("fk_orders_user", "orders", "users", ["user_id"], ["id"])


def downgrade():
    op.drop_constraint("fk_orders_user", "orders", type_="foreignkey")
