"""Tables every later migration works on.

Revision ID: start
Revises: 
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "start"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("users", sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(200), nullable=False),
                    sa.Column("name", sa.String(100)), sa.Column("legacy_flag", sa.Boolean), sa.Column("legacy2", sa.Text))
    op.create_table("orders", sa.Column("id", sa.Integer, primary_key=True), sa.Column("user_id", sa.Integer),
                    sa.Column("status", sa.String(20)), sa.Column("note", sa.Text), sa.Column("amount", sa.Numeric(10, 2)))
    op.create_table("audit", sa.Column("id", sa.Integer, primary_key=True), sa.Column("msg", sa.Text))
    op.create_table("audit_log", sa.Column("id", sa.Integer, primary_key=True), sa.Column("msg", sa.Text))
    op.create_table("orders_archive", sa.Column("id", sa.Integer, primary_key=True), sa.Column("amount", sa.Numeric(10, 2)))
    op.create_table("old_reports", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    for t in ["old_reports", "orders_archive", "audit_log", "audit", "orders", "users"]:
        op.drop_table(t)
