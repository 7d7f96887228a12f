"""The two-tier response cache of persisted storefront queries, with single-flight and fail-open.

A look-up tries the in-process tier, then Redis (one Lua call that also reads the purge stamps and, on a
miss, takes the key's lock). A cold key is computed once per process (the first request leads, the others
await its future) and once across processes (the Redis lock: other processes poll briefly for the
holder's answer, then compute themselves, so a slow or dead holder delays them by at most the wait).
Redis slow or down means no cache: every call is bounded by a short timeout, and after a failure Redis is
skipped for a while; the in-process tier is only used while the purge subscription is up, so a process
that may have missed purges serves nothing from memory. Requests that share a leader's answer report
`HIT-MEMORY`: it never left the process. See docs/adr/0006-response-cache.md.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from gateway.cache.memory import MemoryTier
from gateway.cache.redis_tier import CachedResponse, Fetched, RedisTier
from gateway.metrics import Metrics
from gateway.settings import Settings

if TYPE_CHECKING:
    from starlette.requests import Request

    from domain.access.principal import Principal

log = logging.getLogger(__name__)

HIT_MEMORY = "HIT-MEMORY"
HIT_REDIS = "HIT-REDIS"
MISS = "MISS"
BYPASS = "BYPASS"


# Consecutive Redis timeouts after which the cache stops asking Redis for a while.
TIMEOUTS_TO_TRIP = 3


@dataclass(frozen=True)
class CacheKey:
    store_id: str
    digest: str

    @property
    def local(self) -> str:
        return f"{self.store_id}:{self.digest}"


def cache_key(
    *,
    store_id: uuid.UUID | str,
    document: str,
    operation: str | None,
    variables: dict[str, Any] | None,
    locale: str | None,
    currency: str | None,
    media: str,
    vary: Sequence[str] = (),
) -> CacheKey:
    """Everything the answer depends on. `vary` is the hook for the rest (a customer group, later)."""
    material = json.dumps(
        [document, operation, variables or {}, locale, currency, media, list(vary)],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return CacheKey(str(store_id), hashlib.sha256(material.encode()).hexdigest())


@dataclass(frozen=True)
class Computed:
    """What execution produced; `cacheable` is false for errors or when a resolver said so."""

    response: CachedResponse
    cacheable: bool


Compute = Callable[[], Awaitable[Computed]]
# Whatever else an answer depends on, as a short string per request (a customer group's prices, later).
Vary = Callable[["Request", "Principal"], str]


class ResponseCache:
    def __init__(self, redis: Redis, settings: Settings, metrics: Metrics) -> None:
        self.settings = settings
        self.metrics = metrics
        self.redis = redis
        self.vary: list[Vary] = []
        self.tier = RedisTier(
            redis,
            prefix=settings.response_cache_prefix,
            ttl_ms=settings.response_cache_ttl_seconds * 1000,
            lock_ms=settings.response_cache_lock_ms,
        )
        self.memory = MemoryTier(
            max_bytes=settings.response_cache_memory_max_bytes,
            max_entries=settings.response_cache_memory_max_entries,
            ttl_seconds=settings.response_cache_memory_ttl_seconds,
        )
        self._timeout = settings.response_cache_redis_timeout_ms / 1000
        self._skip_redis_until = 0.0
        self._timeouts = 0
        self._inflight: dict[str, asyncio.Future[CachedResponse | None]] = {}
        # The memory tier is trusted only while the purge subscription is up. `_generation` moves on every
        # (re)connect and disconnect and `_store_purges[store]` on every purge received: an answer whose
        # computation overlapped either is not put in memory (it may predate a purge this process saw).
        self.subscribed = False
        self._generation = 0
        self._store_purges: dict[str, int] = {}

    # Purge subscription (called by gateway/cache/subscriber.py).
    def subscription_up(self) -> None:
        self._generation += 1
        self.memory.clear()
        self.subscribed = True

    def subscription_down(self) -> None:
        self._generation += 1
        self.subscribed = False
        self.memory.clear()

    def purged(self, store_id: str, tags: list[str]) -> None:
        self._store_purges[store_id] = self._store_purges.get(store_id, 0) + 1
        self.memory.purge(store_id, tags)

    # Look-up.
    async def get_or_compute(self, key: CacheKey, compute: Compute) -> tuple[CachedResponse, str]:
        """The answer for the key and where it came from (an X-Cache value)."""
        if self.subscribed:
            found = self.memory.get(key.local)
            self.metrics.response_cache.labels("memory", "hit" if found else "miss").inc()
            if found is not None:
                return found, HIT_MEMORY
        leader = self._inflight.get(key.local)
        if leader is not None:
            # The leader always settles its future (finally below), so this never waits forever.
            settled = await asyncio.shield(leader)
            if settled is not None:
                return settled, HIT_MEMORY
            return (await compute()).response, MISS
        future: asyncio.Future[CachedResponse | None] = asyncio.get_running_loop().create_future()
        self._inflight[key.local] = future
        shared: CachedResponse | None = None
        try:
            response, source, shared = await self._lead(key, compute)
            return response, source
        finally:
            del self._inflight[key.local]
            future.set_result(shared)

    async def _lead(
        self, key: CacheKey, compute: Compute
    ) -> tuple[CachedResponse, str, CachedResponse | None]:
        before = self._local_state(key.store_id)
        token = uuid.uuid4().hex
        fetched = await self._fetch(key, token)
        if fetched is not None and fetched.entry is None and not fetched.locked:
            fetched = await self._await_holder(key, token, fetched)
        # One count per request, for what it finally got from Redis.
        result = "error" if fetched is None else "hit" if fetched.entry else "miss"
        self.metrics.response_cache.labels("redis", result).inc()
        if fetched is not None and fetched.entry is not None:
            self._remember(key, fetched.entry, before)
            return fetched.entry, HIT_REDIS, fetched.entry
        try:
            computed = await compute()
        except BaseException:
            if fetched is not None and fetched.locked:
                await self._redis(self.tier.release(key.store_id, key.digest, token))
            raise
        stored = False
        if fetched is not None:
            if computed.cacheable:
                stored = bool(
                    await self._redis(
                        self.tier.store(key.store_id, key.digest, computed.response, fetched, token)
                    )
                )
            elif fetched.locked:
                await self._redis(self.tier.release(key.store_id, key.digest, token))
        if not stored:
            if (
                fetched is None
                and computed.cacheable
                and self.subscribed
                and self._local_state(key.store_id) == before
            ):
                # Redis is away, but this process saw no purge of the store while computing: the answer is
                # as fresh as any a waiter would compute itself. Sharing it keeps a burst on a cold key from
                # becoming one full execution per request exactly when Redis cannot help.
                return computed.response, MISS, computed.response
            # Not validated against the stamps (uncacheable, or purged meanwhile): share nothing.
            return computed.response, MISS, None
        self._remember(key, computed.response, before)
        return computed.response, MISS, computed.response

    async def _await_holder(self, key: CacheKey, token: str, fetched: Fetched | None) -> Fetched | None:
        """Another process holds the key's lock: poll for its answer, take the lock if it lets go, and
        after the wait compute anyway (with fresh stamps)."""
        deadline = time.monotonic() + self.settings.response_cache_wait_ms / 1000
        poll = self.settings.response_cache_poll_ms / 1000
        while time.monotonic() < deadline:
            await asyncio.sleep(poll)
            fetched = await self._fetch(key, token)
            if fetched is None or fetched.entry is not None or fetched.locked:
                return fetched
        return fetched

    async def _fetch(self, key: CacheKey, token: str) -> Fetched | None:
        fetched: Fetched | None = await self._redis(
            self.tier.fetch(key.store_id, key.digest, token, lock=True)
        )
        return fetched

    async def _redis(self, call: Awaitable[Any]) -> Any:
        """Run one Redis call within the timeout, or return None: the cache fails open."""
        if time.monotonic() < self._skip_redis_until:
            close = getattr(call, "close", None)
            if close is not None:
                close()
            return None
        try:
            async with asyncio.timeout(self._timeout):
                result = await call
        except (RedisError, OSError, TimeoutError) as exc:
            # A refused or broken connection means Redis is away. A single timeout more often means this
            # process's event loop is saturated: skipping Redis then would send every request down the
            # expensive uncached path exactly when the process can least afford it (measured: p95 went
            # from 3 ms to 1.1 s at 50 connections). So timeouts trip the breaker only in a row.
            self._timeouts = self._timeouts + 1 if isinstance(exc, TimeoutError) else TIMEOUTS_TO_TRIP
            if self._timeouts >= TIMEOUTS_TO_TRIP:
                self._skip_redis_until = time.monotonic() + self.settings.response_cache_retry_after_seconds
                self._timeouts = 0
                log.warning("response cache: Redis unavailable, serving uncached", extra={"error": repr(exc)})
            return None
        self._timeouts = 0
        return result

    def _local_state(self, store_id: str) -> tuple[int, int]:
        return self._generation, self._store_purges.get(store_id, 0)

    def _remember(self, key: CacheKey, entry: CachedResponse, before: tuple[int, int]) -> None:
        if self.subscribed and self._local_state(key.store_id) == before:
            self.memory.put(key.local, key.store_id, entry)
