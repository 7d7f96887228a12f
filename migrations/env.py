"""Alembic runs as the owner (DATABASE_URL), synchronously through psycopg."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from domain.models import Base
from gateway.settings import get_settings


def sync_url(url: str) -> str:
    return url.replace("+asyncpg", "+psycopg", 1)


def run_migrations_online() -> None:
    url = context.config.attributes.get("url") or get_settings().owner_url
    engine = create_engine(sync_url(url), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
