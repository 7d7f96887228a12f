"""The response cache's Redis breaker: a refused connection skips Redis at once; timeouts only in a row,
because a lone timeout usually means a saturated event loop, not a dead Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from gateway.cache.response_cache import TIMEOUTS_TO_TRIP, ResponseCache
from gateway.metrics import Metrics
from gateway.settings import Settings


@pytest.fixture
async def cache(settings: Settings) -> AsyncIterator[ResponseCache]:
    quick = settings.model_copy(
        update={"response_cache_redis_timeout_ms": 20, "response_cache_retry_after_seconds": 60}
    )
    client = Redis.from_url(settings.redis_url)
    yield ResponseCache(client, quick, Metrics())
    await client.aclose()


async def test_timeouts_trip_only_in_a_row(cache: ResponseCache) -> None:
    slow = 0.2  # ten times the timeout

    for _ in range(TIMEOUTS_TO_TRIP - 1):
        assert await cache._redis(asyncio.sleep(slow, "late")) is None
    assert await cache._redis(cache.redis.ping()) is True  # a success resets the count
    for _ in range(TIMEOUTS_TO_TRIP - 1):
        assert await cache._redis(asyncio.sleep(slow, "late")) is None
    assert await cache._redis(cache.redis.ping()) is True  # still asking Redis

    for _ in range(TIMEOUTS_TO_TRIP):
        assert await cache._redis(asyncio.sleep(slow, "late")) is None
    assert await cache._redis(cache.redis.ping()) is None  # tripped: Redis is skipped


async def test_a_refused_connection_trips_at_once(settings: Settings) -> None:
    quick = settings.model_copy(update={"response_cache_retry_after_seconds": 60})
    closed = Redis.from_url("redis://127.0.0.1:1/0")
    live = Redis.from_url(settings.redis_url)
    cache = ResponseCache(closed, quick, Metrics())
    try:
        assert await cache._redis(closed.ping()) is None
        assert await cache._redis(live.ping()) is None  # skipped without asking
    finally:
        await closed.aclose()
        await live.aclose()
