"""Relays number events in commit order and publish them in that order, however many run at once."""

from __future__ import annotations

import asyncio
import json

from arq import create_pool
from arq.connections import RedisSettings
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import Database
from gateway.settings import Settings
from tests.fixtures.database import fetch
from tests.fixtures.subscriptions import emit
from tests.fixtures.tenancy import MakeStore
from workers.relay import channel, relay_once


async def test_concurrent_relays_publish_positions_in_order(
    make_store: MakeStore, settings: Settings, db: Database, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    ids = await emit(a, "order.created", {}, count=60)
    small = settings.model_copy(update={"relay_batch_size": 7})
    pools = [await create_pool(RedisSettings.from_dsn(settings.redis_url)) for _ in range(3)]
    listener = pools[0].pubsub()
    await listener.subscribe(channel(settings, a.id))
    while (await listener.get_message(timeout=1)) is None:  # the confirmation: subscribed from here on
        pass

    async def drain(pool: object) -> None:
        while await relay_once(db, pool, small):  # type: ignore[arg-type]
            pass

    await asyncio.gather(*(drain(p) for p in pools))
    expected = len(await fetch(owner_engine, "SELECT id FROM outbox_events WHERE store_id = :s", s=a.id))
    published = []
    async with asyncio.timeout(10):
        while len(published) < expected:
            message = await listener.get_message(ignore_subscribe_messages=True, timeout=1)
            if message is not None:
                published.append(json.loads(message["data"]))
    await listener.aclose()
    for pool in pools:
        await pool.aclose()

    positions = [p["position"] for p in published]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    rows = await fetch(owner_engine, "SELECT id, stream_position FROM outbox_events ORDER BY stream_position")
    assert all(r["stream_position"] is not None for r in rows)
    # Committed one after another, so numbered in that order.
    mine = [r["id"] for r in rows if r["id"] in set(ids)]
    assert mine == ids
