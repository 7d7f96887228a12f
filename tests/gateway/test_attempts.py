"""The attempt limiter behind customer login throttling: counts are shared through Redis by every gateway
process, and when Redis does not answer each process keeps counting on its own (never unlimited)."""

from __future__ import annotations

import uuid

from redis.asyncio import Redis

from gateway.attempts import AttemptLimiter, AttemptRule, client_network
from gateway.limits import LeakyBuckets

RULES = {"login": AttemptRule(per_identity=2, per_ip=3, window_seconds=900)}


async def test_two_processes_share_the_counts_through_redis(redis: Redis) -> None:
    store = uuid.uuid4()
    one, two = AttemptLimiter(LeakyBuckets(redis), RULES), AttemptLimiter(LeakyBuckets(redis), RULES)
    assert await one.take("login", store, "a@example.com", "10.0.0.1")
    assert await two.take("login", store, "a@example.com", "10.0.0.2")
    assert not await one.take("login", store, "a@example.com", "10.0.0.3")
    # the same identity in another store counts apart
    assert await two.take("login", uuid.uuid4(), "a@example.com", "10.0.0.3")
    await one.succeeded("login", store, "a@example.com", "10.0.0.1")
    assert await two.take("login", store, "a@example.com", "10.0.0.1")
    # the keys are the store's (hash-tagged) and name no email address
    keys = sorted(k.decode() for k in await redis.keys("*"))
    assert keys and all(k.startswith("{") and "example.com" not in k for k in keys)
    assert any(k.startswith(f"{{{store}}}:attempts:login:id:") for k in keys)


async def test_an_address_refused_for_a_locked_identity_pays_nothing(redis: Redis) -> None:
    store = uuid.uuid4()
    limiter = AttemptLimiter(LeakyBuckets(redis), RULES)
    for _ in range(2):
        assert await limiter.take("login", store, "locked@example.com", "10.0.0.9")
    for _ in range(5):
        assert not await limiter.take("login", store, "locked@example.com", "10.0.0.9")
    # 2 of the address's 3 attempts went on real checks; the refused ones cost nothing
    assert await limiter.take("login", store, "other@example.com", "10.0.0.9")
    assert not await limiter.take("login", store, "third@example.com", "10.0.0.9")


async def test_with_redis_down_each_process_still_limits() -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2, socket_timeout=0.2)
    limiter = AttemptLimiter(LeakyBuckets(dead), RULES, retry_after_seconds=0.0)
    store = uuid.uuid4()
    try:
        assert await limiter.take("login", store, "a@example.com", None)
        assert await limiter.take("login", store, "a@example.com", None)
        assert not await limiter.take("login", store, "a@example.com", None)
        await limiter.succeeded("login", store, "a@example.com", None)
        assert await limiter.take("login", store, "a@example.com", None)
    finally:
        await dead.aclose()


async def test_an_ipv6_subscriber_is_counted_by_its_64(redis: Redis) -> None:
    store = uuid.uuid4()
    limiter = AttemptLimiter(LeakyBuckets(redis), RULES)
    for n in range(3):
        assert await limiter.take("login", store, f"user{n}@example.com", f"2001:db8:1:2::{n + 1}")
    assert not await limiter.take("login", store, "user9@example.com", "2001:db8:1:2:ffff::9")
    assert await limiter.take("login", store, "user9@example.com", "2001:db8:1:3::1")
    assert client_network("::ffff:203.0.113.7") == "203.0.113.7"
    assert client_network("testclient") == "testclient"
