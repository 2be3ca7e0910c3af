"""Alembic environment for the demo shop.

The database URL is read from the DATABASE_URL environment variable, never from alembic.ini,
so credentials stay out of the repository and off the command line. Cairn hands it over the
same way. The version table can be moved with `-x version_table=... -x version_table_schema=...`.
"""
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

url = os.environ.get("DATABASE_URL")
if not url:
    raise SystemExit("DATABASE_URL is not set: export the database URL before running Alembic.")
config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))

x = context.get_x_argument(as_dictionary=True)
version_options = {
    "version_table": x.get("version_table", "alembic_version"),
    "version_table_schema": x.get("version_table_schema") or None,
}
target_metadata = None


def run_migrations_offline():
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
        **version_options,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connectable = engine_from_config(
        config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            **version_options,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
