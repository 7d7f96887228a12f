"""Webhooks end to end in the worker: a committed change → outbox → relay → arq job → fan-out → delivery
loop → a receiver verifying with `standardwebhooks`; and every event arrives at least once when the
receiver fails at random."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator

import pytest
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from domain.access.services import TokenInput, create_token
from domain.db import Database, utcnow
from domain.webhooks.delivery import Deliverer, DeliveryConfig
from gateway.settings import Settings
from tests.fixtures.database import fetch
from tests.fixtures.tenancy import MakeStore
from tests.fixtures.webhooks import Emit, MakeDeliverer, MakeEndpoint, ManualClock, Receiver, Reply
from tests.workers.test_outbox_relay import run_worker
from workers.relay import relay_once
from workers.webhooks import deliver_forever, http_client


@pytest.fixture
async def arq_pool(settings: Settings) -> AsyncIterator[ArqRedis]:
    pool = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    yield pool
    await pool.aclose()


async def test_a_committed_change_reaches_the_endpoint_through_relay_and_worker(
    make_store: MakeStore,
    make_endpoint: MakeEndpoint,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
    settings: Settings,
    db: Database,
    arq_pool: ArqRedis,
    clock: ManualClock,
) -> None:
    store = await make_store("a")
    await make_endpoint(store, types=["api_token.*"])
    async with store.uow(correlation_id="req-77", clock=clock) as uow:
        await create_token(uow, TokenInput(name="partner app", kind=TokenKind.PARTNER), created_by="test")
        await uow.commit()

    await relay_once(db, arq_pool, settings)
    await run_worker(settings, db, arq_pool)
    await make_deliverer().run_once()

    [got] = receiver.at("/hook")
    body = json.loads(got.body)
    assert got.verified and body["type"] == "api_token.created"
    assert body["store_id"] == str(store.id) and body["correlation_id"] == "req-77"
    assert got.headers["x-request-id"] == "req-77"


async def test_every_event_arrives_at_least_once_when_the_receiver_fails_at_random(
    make_store: MakeStore,
    make_endpoint: MakeEndpoint,
    make_deliverer: MakeDeliverer,
    receiver: Receiver,
    clock: ManualClock,
    owner_engine: AsyncEngine,
    emit: Emit,
) -> None:
    store = await make_store("a")
    sub, _ = await make_endpoint(store, max_concurrency=10)
    rng = random.Random(3)
    failures = [Reply(status=500), Reply(status=503, headers={"Retry-After": "30"}), Reply(status=502)]
    # half the first 150 answers fail; after them the receiver recovers
    receiver.script("/hook", *[rng.choice([Reply(), Reply(), Reply(), *failures]) for _ in range(150)])
    sent = [await emit(store, "order.created", {"n": i}) for i in range(60)]
    deliverer = make_deliverer()

    for _ in range(40):
        while await deliverer.run_once(20):
            pass
        rows = await fetch(
            owner_engine, "SELECT count(*) AS n FROM webhook_deliveries WHERE status <> 'succeeded'"
        )
        if rows[0]["n"] == 0:
            break
        clock.advance(24 * 3600)

    got = receiver.at("/hook")
    assert all(r.verified for r in got)
    received = {json.loads(r.body)["id"] for r in got if r.answered == 200}
    assert received == {str(e.id) for e in sent}
    assert len(got) > len(sent)  # some were retried
    rows = await fetch(
        owner_engine, "SELECT status FROM webhook_deliveries WHERE subscription_id = :s", s=sub.id
    )
    assert {r["status"] for r in rows} == {"succeeded"}


async def test_the_delivery_loop_sends_what_the_fan_out_creates(
    make_store: MakeStore,
    make_endpoint: MakeEndpoint,
    receiver: Receiver,
    settings: Settings,
    db: Database,
    emit: Emit,
) -> None:
    store = await make_store("a")
    await make_endpoint(store)
    loop_settings = settings.model_copy(update={"webhook_allow_private_targets": True})
    client = http_client(loop_settings)
    deliverer = Deliverer(db=db, client=client, config=DeliveryConfig(allow_private_targets=True))
    task = asyncio.create_task(deliver_forever(deliverer, loop_settings))
    try:
        sent = await emit(store, "order.created", {"id": "o1"})
        await receiver.wait_for("/hook")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await client.aclose()
    [got] = receiver.at("/hook")
    assert got.verified and json.loads(got.body)["id"] == str(sent.id)
    assert utcnow() >= sent.occurred_at
