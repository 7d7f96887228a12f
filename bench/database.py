"""The benchmark's own database: dropped, recreated, migrated and seeded with the demo stores."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from gateway.db_maintenance import analyze_catalog
from gateway.migrate import upgrade
from gateway.seed import seed, seed_catalog
from gateway.settings import Settings

BENCH_DATABASE = "stormcom_bench"
DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/stormcom"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def bench_urls(name: str = BENCH_DATABASE) -> tuple[str, str]:
    """DATABASE_URL with the database swapped for `name` (stormcom_bench), and REDIS_URL as given."""
    base = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    parts = urlsplit(base)
    for url in (base, os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL):
        host = urlsplit(url).hostname
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit(f"bench: refusing to run against {host}; it only talks to 127.0.0.1")
    db_url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    return db_url, os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


def recreate(db_url: str) -> None:
    parts = urlsplit(db_url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def server_version(db_url: str) -> str:
    parts = urlsplit(db_url)
    plain = urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))
    with psycopg.connect(plain) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


async def prepare(settings: Settings) -> dict[str, Any]:
    """Recreate, migrate and seed; return the demo store's credentials (tokens of each kind)."""
    recreate(settings.owner_url)
    upgrade(settings.owner_url)
    return await seed(settings, {})


# Several checkouts on one machine each keep their own seeded catalog (seeding takes minutes).
CATALOG_DATABASE = os.environ.get("STORMCOM_BENCH_CATALOG_DB", "stormcom_bench_catalog")


async def prepare_catalog(settings: Settings, products: int) -> dict[str, Any]:
    """Create (once), migrate and seed the demo stores with the demo catalog. Kept between runs: seeding
    the catalog takes minutes and is idempotent, so a second run only checks it is complete."""
    parts = urlsplit(settings.owner_url)
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    name = parts.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
    upgrade(settings.owner_url)
    credentials = await seed(settings, {})
    await seed_catalog(settings, credentials["store_slug"], products)
    await analyze_catalog(settings)  # the planner's statistics, whatever autovacuum has done so far
    return credentials
