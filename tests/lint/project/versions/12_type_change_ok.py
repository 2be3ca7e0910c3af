"""Changes a column's type on a table created on the same path.

Revision ID: type_change_ok
Revises: type_change_bad
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "type_change_ok"
down_revision = "type_change_bad"
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column("staging_y", "title", type_=sa.String(50))


def downgrade():
    op.alter_column("staging_y", "title", type_=sa.String(10))
