"""Alembic environment of the lint fixtures: offline only, the dialect taken from DATABASE_URL."""
import os

from alembic import context

url = os.environ["DATABASE_URL"]


def run_migrations_offline():
    context.configure(
        url=url,
        target_metadata=None,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    raise SystemExit("The lint fixtures are rendered offline (--sql) only.")
