"""Alembic runs as the owner (DATABASE_URL), synchronously through psycopg."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from domain.models import Base
from gateway.settings import get_settings


def sync_url(url: str) -> str:
    return url.replace("+asyncpg", "+psycopg", 1)


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    # Autogenerate compares models only: partitions, and indexes written in SQL, are not in the models.
    if type_ == "table" and reflected and compare_to is None:
        return False
    return not (type_ == "index" and reflected and compare_to is None)


def run_migrations_online() -> None:
    url = context.config.attributes.get("url") or get_settings().owner_url
    engine = create_engine(sync_url(url), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
