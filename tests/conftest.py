"""Test setup: one migrated database per run (per xdist worker), truncated before every test, and a Redis
database flushed before every test. Both servers come from DATABASE_URL / REDIS_URL (make test finds or
starts them)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import Database, create_database, create_engine
from gateway.app import create_app
from gateway.migrate import upgrade
from gateway.settings import Settings

pytest_plugins = [
    "tests.fixtures.tenancy",
    "tests.fixtures.server",
    "tests.fixtures.webhooks",
    "tests.fixtures.payments",
]

KEEP = {"alembic_version", "permissions"}


def _test_urls() -> tuple[str, str]:
    base = os.environ.get("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/stormcom")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    # Several checkouts may test at once on one machine: each takes a slot with its own databases.
    slot = int(os.environ.get("STORMCOM_TEST_SLOT", "0"))
    parts = urlsplit(base)
    name = f"stormcom_test_{worker}" if slot == 0 else f"stormcom_test_s{slot}_{worker}"
    db_url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    redis_base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    rparts = urlsplit(redis_base)
    n = int(worker[2:]) if worker.startswith("gw") else 0
    index = 9 + n if slot == 0 else (1 + 2 * (slot - 1) + n) % 16
    return db_url, urlunsplit((rparts.scheme, rparts.netloc, f"/{index}", "", ""))


def _recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


@pytest.fixture(scope="session")
def settings() -> Settings:
    db_url, redis_url = _test_urls()
    _recreate_database(db_url)
    upgrade(db_url)
    return Settings(
        environment="test",
        database_url=db_url,
        redis_url=redis_url,
        log_json=True,
        log_level="WARNING",
        arq_queue=f"stormcom:test:{uuid.uuid4().hex[:8]}",
        # Pub/sub channels span Redis databases: another checkout's purges must not reach this run's gateways.
        response_cache_channel=f"stormcom:test:{uuid.uuid4().hex[:8]}:cache:purge",
    )


@pytest.fixture(scope="session")
async def owner_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings.owner_url, pool_size=2, max_overflow=2)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def tables(owner_engine: AsyncEngine) -> list[str]:
    async with owner_engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
            )
        )
        return sorted(r[0] for r in rows if r[0] not in KEEP)


@pytest.fixture(autouse=True)
async def clean_state(owner_engine: AsyncEngine, tables: list[str], settings: Settings) -> None:
    async with owner_engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
    redis = Redis.from_url(settings.redis_url)
    await redis.flushdb()
    await redis.aclose()


@pytest.fixture(autouse=True)
async def consumers_bound(settings: Settings) -> AsyncIterator[None]:
    """Every consumer registered and the cache purge given Redis, as a worker's startup does, so a test
    that dispatches an event runs what production runs whichever tests ran before it."""
    import workers.consumers  # noqa: F401
    from workers import cache_purge

    client = Redis.from_url(settings.redis_url)
    cache_purge.bind(client, settings)
    yield
    cache_purge.bind(None, None)
    await client.aclose()


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = create_database(settings.app_url, pool_size=5, max_overflow=5)
    yield database
    await database.dispose()


@pytest.fixture
async def redis(settings: Settings) -> AsyncIterator[Redis]:
    client = Redis.from_url(settings.redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def app(settings: Settings) -> object:
    return create_app(settings)


@pytest.fixture
async def client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
    await app.state.gateway.db.dispose()  # type: ignore[attr-defined]
    await app.state.gateway.redis.aclose()  # type: ignore[attr-defined]
    await app.state.gateway.cache.redis.aclose()  # type: ignore[attr-defined]
