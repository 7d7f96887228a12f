"""The in-process tier: bounded by entries and by bytes (least recently used goes first), expired by its
TTL, purged by tag within one store only."""

from __future__ import annotations

from gateway.cache.memory import MemoryTier
from gateway.cache.redis_tier import CachedResponse


def entry(size: int, *tags: str) -> CachedResponse:
    return CachedResponse(b"x" * size, 200, "application/json", frozenset(tags))


def test_the_least_recently_used_entry_goes_when_there_are_too_many() -> None:
    tier = MemoryTier(max_bytes=10**6, max_entries=2, ttl_seconds=60)
    tier.put("a", "s", entry(10))
    tier.put("b", "s", entry(10))
    assert tier.get("a") is not None  # a is now more recent than b
    tier.put("c", "s", entry(10))

    assert (tier.get("a") is not None, tier.get("b"), tier.get("c") is not None) == (True, None, True)


def test_entries_are_evicted_to_stay_within_the_byte_bound() -> None:
    big = entry(400)
    tier = MemoryTier(max_bytes=2 * big.size, max_entries=100, ttl_seconds=60)
    for key in ("a", "b", "c"):
        tier.put(key, "s", big)

    assert [tier.get(k) is not None for k in ("a", "b", "c")] == [False, True, True]
    assert tier.bytes == 2 * big.size
    tier.put("huge", "s", entry(10_000))  # larger than the whole tier: not kept, nothing evicted for it
    assert tier.get("huge") is None and len(tier) == 2


def test_a_purge_drops_the_tagged_entries_of_that_store_only() -> None:
    tier = MemoryTier(max_bytes=10**6, max_entries=100, ttl_seconds=60)
    tier.put("s1:p1", "s1", entry(1, "product:1", "products"))
    tier.put("s1:shop", "s1", entry(1, "store:s1"))
    tier.put("s2:p1", "s2", entry(1, "product:1"))

    assert tier.purge("s1", ["product:1"]) == 1
    assert [tier.get(k) is not None for k in ("s1:p1", "s1:shop", "s2:p1")] == [False, True, True]
    assert tier.purge("s1", ["products"]) == 0  # its index went with the entry


def test_an_entry_past_its_ttl_is_gone() -> None:
    tier = MemoryTier(max_bytes=10**6, max_entries=100, ttl_seconds=0)
    tier.put("a", "s", entry(1, "t"))

    assert tier.get("a") is None
    assert len(tier) == 0 and tier.bytes == 0
