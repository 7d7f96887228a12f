"""The `cache.purge` consumer: stale cached responses and cached principals are purged on every process.

For each event whose `cache_tags()` is non-empty it stamps those tags in Redis and publishes the purge on
the purge channel (one atomic Lua call, gateway/cache/redis_tier.py); token revocations and role changes
publish a principal purge on the same channel. It registers in PURGE_STAGE, so it runs after every
consumer of the same event that changes what responses read (the catalog read model): the purge comes
only once the data it protects is fresh. If Redis is away the handler raises, the dispatcher rolls back
its claim and the job is retried, so a purge is never lost (a repeated purge is harmless).
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from domain.catalog import events as catalog
from domain.events.envelope import EventEnvelope
from domain.pricing import events as pricing
from domain.uow import UnitOfWork
from gateway.cache.redis_tier import publish_principals, purge_tags, stamps_ttl_ms
from gateway.settings import Settings
from workers.handlers import PURGE_STAGE, consumers

CONSUMER = "cache.purge"

TAGGED_TYPES = (*catalog.ALL, "store.updated", *pricing.PRICE_AFFECTING)
# What a cached principal holds (revocation, scopes through its role) changes with these.
PRINCIPAL_TYPES = ("api_token.revoked", "role.updated", "role.deleted")


@dataclass
class _Binding:
    redis: Redis | None = None
    settings: Settings | None = None


_binding = _Binding()


def bind(redis: Redis | None, settings: Settings | None) -> None:
    """Give the consumer its Redis client and settings (the worker's startup, or a test)."""
    _binding.redis = redis
    _binding.settings = settings


@consumers.register(CONSUMER, *TAGGED_TYPES, *PRINCIPAL_TYPES, stage=PURGE_STAGE)
async def purge(uow: UnitOfWork, event: EventEnvelope) -> None:
    redis, settings = _binding.redis, _binding.settings
    if redis is None or settings is None:
        raise RuntimeError("cache.purge runs without Redis: call workers.cache_purge.bind() at startup")
    if event.type in PRINCIPAL_TYPES:
        tokens = [str(event.data["id"])] if event.type == "api_token.revoked" else None
        await publish_principals(
            redis, channel=settings.response_cache_channel, store_id=event.store_id, token_ids=tokens
        )
        return
    if event.type in pricing.PRICE_AFFECTING:
        tags = pricing.cache_tags(event.type, event.data, str(event.store_id))
    else:
        tags = catalog.cache_tags(event.type, event.data)
    if tags:
        await purge_tags(
            redis,
            prefix=settings.response_cache_prefix,
            channel=settings.response_cache_channel,
            meta_ttl_ms=stamps_ttl_ms(settings.response_cache_ttl_seconds * 1000),
            store_id=event.store_id,
            tags=tags,
        )
