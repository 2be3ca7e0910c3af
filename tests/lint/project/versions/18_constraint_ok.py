"""Adds the foreign key NOT VALID and validates it separately.

Revision ID: constraint_ok
Revises: constraint_bad
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "constraint_ok"
down_revision = "constraint_bad"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("ALTER TABLE orders ADD CONSTRAINT fk_orders_user2 FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID")
    op.execute("ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_user2")


def downgrade():
    op.drop_constraint("fk_orders_user2", "orders", type_="foreignkey")
