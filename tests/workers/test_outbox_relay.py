"""The outbox: events commit with their change, a crash before the relay loses nothing, a lost job is
re-enqueued by the sweep, and running the relay twice delivers nothing twice to an idempotent consumer."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from arq import Worker, create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.constants import job_key_prefix
from sqlalchemy import text

from domain.access.models import TokenKind
from domain.access.services import TokenInput, create_token
from domain.db import Database
from domain.events.envelope import EventEnvelope
from domain.uow import UnitOfWork
from gateway.settings import Settings
from tests.fixtures.tenancy import MakeStore
from workers.context import WorkerState
from workers.handlers import consumers, dispatch
from workers.relay import channel, relay_once
from workers.tasks import handle_event

SEEN: list[str] = []


@pytest.fixture
async def arq_pool(settings: Settings) -> AsyncIterator[ArqRedis]:
    pool = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    yield pool
    await pool.aclose()


@pytest.fixture
def recording_consumer() -> AsyncIterator[list[str]]:
    SEEN.clear()

    @consumers.register("test-recorder", "api_token.created")
    async def record(uow: UnitOfWork, envelope: EventEnvelope) -> None:
        SEEN.append(str(envelope.id))

    yield SEEN
    consumers.remove("test-recorder")


async def run_worker(settings: Settings, db: Database, pool: ArqRedis) -> None:
    worker = Worker(
        functions=[handle_event],
        redis_pool=pool,
        queue_name=settings.arq_queue,
        burst=True,
        handle_signals=False,
        poll_delay=0.01,
        ctx={"stormcom": WorkerState(settings=settings, db=db, arq=pool)},
    )
    try:
        await worker.main()
    finally:
        await worker.close()


async def outbox(owner_engine, event_id: str | None = None) -> list[dict]:
    async with owner_engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT id, type, store_id, correlation_id, enqueued_at, processed_at, attempts"
                " FROM outbox_events"
            )
        )
        return [dict(r._mapping) for r in rows]


async def make_event(store) -> str:
    async with store.uow(correlation_id="req-123") as uow:
        await create_token(uow, TokenInput(name="x", kind=TokenKind.ADMIN), created_by="test")
        await uow.commit()
    return str(uow.events[0].id) if uow.events else ""


async def test_event_commits_with_the_change_and_not_without_it(make_store: MakeStore, owner_engine) -> None:
    store = await make_store("a")
    before = len(await outbox(owner_engine))

    async with store.uow() as uow:
        await create_token(uow, TokenInput(name="rolled back", kind=TokenKind.ADMIN), created_by="test")
        # no commit: the block ends and the change is rolled back

    assert len(await outbox(owner_engine)) == before
    async with store.uow(correlation_id="req-1") as uow:
        await create_token(uow, TokenInput(name="kept", kind=TokenKind.ADMIN), created_by="test")
        await uow.commit()
    rows = [r for r in await outbox(owner_engine) if r["correlation_id"] == "req-1"]
    assert [r["type"] for r in rows] == ["api_token.created"]
    assert rows[0]["store_id"] == store.id and rows[0]["enqueued_at"] is None


async def test_crash_before_relay_loses_nothing(
    make_store: MakeStore,
    settings: Settings,
    db: Database,
    arq_pool: ArqRedis,
    owner_engine,
    recording_consumer,
) -> None:
    store = await make_store("a")
    pubsub = arq_pool.pubsub()
    await pubsub.subscribe(channel(settings, store.id))
    # given: events committed while no relay ran (the process "crashed" right after commit)
    pending = [r for r in await outbox(owner_engine) if r["type"] == "api_token.created"]
    assert pending and all(r["enqueued_at"] is None for r in pending)

    # when: a relay comes up later, then a worker
    moved = await relay_once(db, arq_pool, settings)
    published = []
    for _ in range(moved + 2):  # the first read may only swallow the subscribe confirmation
        msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.2)
        if msg is not None:
            published.append(json.loads(msg["data"]))
    await pubsub.aclose()
    await run_worker(settings, db, arq_pool)

    # then: every event reached the consumer once, was published, and is marked processed
    ids = sorted(str(r["id"]) for r in pending)
    assert moved == len(await outbox(owner_engine))
    assert sorted(recording_consumer) == ids
    assert all(r["processed_at"] is not None for r in await outbox(owner_engine))
    assert {p["id"] for p in published} >= set(ids)
    envelope = next(p for p in published if p["id"] == ids[0])
    # The subscription channel carries the envelope and its commit-ordered position (resume point).
    fields = {"id", "type", "store_id", "occurred_at", "version", "data", "correlation_id", "position"}
    assert set(envelope) == fields and isinstance(envelope["position"], int)


async def test_relay_twice_delivers_nothing_twice(
    make_store: MakeStore,
    settings: Settings,
    db: Database,
    arq_pool: ArqRedis,
    owner_engine,
    recording_consumer,
) -> None:
    await make_store("a")
    expected = sorted(str(r["id"]) for r in await outbox(owner_engine) if r["type"] == "api_token.created")

    # two relays at once, then a sweep that treats everything as stale (re-enqueues the same job ids)
    first, second = await asyncio.gather(
        relay_once(db, arq_pool, settings), relay_once(db, arq_pool, settings)
    )
    swept = await relay_once(db, arq_pool, settings, stale_after=0)
    await run_worker(settings, db, arq_pool)
    # and the same job delivered again by hand (arq: "jobs may be called more than once")
    for row in await outbox(owner_engine):
        envelope = EventEnvelope(
            id=row["id"],
            type=row["type"],
            store_id=row["store_id"],
            occurred_at=row["enqueued_at"],
            version=1,
            data={},
            correlation_id="",
        )
        assert await dispatch(db, envelope) == []

    assert first + second == len(await outbox(owner_engine))
    assert swept == len(await outbox(owner_engine))
    assert sorted(recording_consumer) == expected


async def test_sweep_reenqueues_a_lost_job(
    make_store: MakeStore,
    settings: Settings,
    db: Database,
    arq_pool: ArqRedis,
    owner_engine,
    recording_consumer,
) -> None:
    await make_store("a")
    await relay_once(db, arq_pool, settings)
    # the worker that held the jobs crashed: the queue and job keys are gone
    await arq_pool.delete(settings.arq_queue)
    for key in await arq_pool.keys(f"{job_key_prefix}*"):
        await arq_pool.delete(key)
    await run_worker(settings, db, arq_pool)
    assert recording_consumer == []
    assert await relay_once(db, arq_pool, settings) == 0  # not stale yet: nothing re-sent early

    resent = await relay_once(db, arq_pool, settings, stale_after=0)
    await run_worker(settings, db, arq_pool)

    rows = await outbox(owner_engine)
    assert resent == len(rows)
    assert sorted(recording_consumer) == sorted(
        str(r["id"]) for r in rows if r["type"] == "api_token.created"
    )
    assert all(r["processed_at"] is not None and r["attempts"] == 2 for r in rows)
    assert await relay_once(db, arq_pool, settings, stale_after=0) == 0
