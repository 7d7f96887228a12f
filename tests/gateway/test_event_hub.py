"""The hub: one Redis subscription per process; a slow subscriber is ended, never blocks the others; a lost
connection ends every subscriber (they resume with `after`) and the hub subscribes again."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from domain.errors import DomainError
from domain.events.channels import store_channel
from domain.events.patterns import EventFilter, TypePatterns
from gateway.settings import Settings
from gateway.subscriptions.hub import EVENTS_INTERRUPTED, SUBSCRIBER_TOO_SLOW, EventHub

EVERYTHING = EventFilter(TypePatterns.of(["*"]))


@pytest.fixture
async def hub(settings: Settings) -> AsyncIterator[EventHub]:
    hub = EventHub(settings.redis_url, settings.event_channel_prefix, buffer_size=3, health_check_seconds=5)
    hub.start()
    async with asyncio.timeout(10):
        await hub.up.wait()
    yield hub
    await hub.stop()


async def publish(redis: Redis, settings: Settings, store: uuid.UUID, type_: str, n: int) -> None:
    for i in range(n):
        envelope = {
            "id": str(uuid.uuid4()),
            "type": type_,
            "store_id": str(store),
            "occurred_at": "2026-11-28T00:00:00+00:00",
            "version": 1,
            "data": {"n": i},
            "correlation_id": "",
            "position": i + 1,
        }
        await redis.publish(store_channel(settings.event_channel_prefix, store), json.dumps(envelope))


async def test_a_slow_subscriber_is_ended_and_the_others_get_everything(
    hub: EventHub, redis: Redis, settings: Settings
) -> None:
    store = uuid.uuid4()
    async with hub.subscribe(store, EVERYTHING) as slow, hub.subscribe(store, EVERYTHING) as fast:
        received = []
        for _ in range(2):  # the fast one keeps up: each burst is within its buffer
            await publish(redis, settings, store, "order.created", 3)
            async with asyncio.timeout(10):
                received += [await fast.get() for _ in range(3)]
        assert [e.data["n"] for e in received] == [0, 1, 2, 0, 1, 2]
        # The slow one never read: it holds what fitted, then learns it was ended.
        async with asyncio.timeout(10):
            kept = [await slow.get() for _ in range(3)]
        assert [e.data["n"] for e in kept] == [0, 1, 2]
        with pytest.raises(DomainError) as ended:
            await slow.get()
        assert ended.value.code == SUBSCRIBER_TOO_SLOW
        assert hub.subscribers == 2
    assert hub.subscribers == 0
    assert hub.ended[SUBSCRIBER_TOO_SLOW] == 1


async def test_filters_and_stores_are_respected(hub: EventHub, redis: Redis, settings: Settings) -> None:
    store, other = uuid.uuid4(), uuid.uuid4()
    orders = EventFilter(TypePatterns.of(["*"]), TypePatterns.of(["order.*"]))
    async with hub.subscribe(store, orders) as feed:
        await publish(redis, settings, other, "order.created", 1)
        await publish(redis, settings, store, "role.created", 1)
        await publish(redis, settings, store, "order.paid", 1)
        async with asyncio.timeout(10):
            assert (await feed.get()).type == "order.paid"


async def test_a_lost_connection_ends_subscribers_and_the_hub_comes_back(
    hub: EventHub, redis: Redis, settings: Settings
) -> None:
    store = uuid.uuid4()
    async with hub.subscribe(store, EVERYTHING) as feed:
        clients = await redis.client_list()
        (mine,) = [c for c in clients if c.get("name") == hub.client_name]
        await redis.execute_command("CLIENT", "KILL", "ID", mine["id"])
        async with asyncio.timeout(10):
            with pytest.raises(DomainError) as ended:
                await feed.get()
        assert ended.value.code == EVENTS_INTERRUPTED
    async with asyncio.timeout(10):
        await hub.up.wait()
    async with hub.subscribe(store, EVERYTHING) as feed:
        await publish(redis, settings, store, "order.created", 1)
        async with asyncio.timeout(10):
            assert (await feed.get()).type == "order.created"
