"""Changes a column's type on an existing table.

Revision ID: type_change_bad
Revises: rename_column_ok
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "type_change_bad"
down_revision = "rename_column_ok"
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column("orders", "status", type_=sa.String(50))


def downgrade():
    op.alter_column("orders", "status", type_=sa.String(20))
