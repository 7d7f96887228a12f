"""The in-process tier: an LRU bounded by bytes and entries, with a short TTL as a safety net.

It holds no stamps of its own: it is kept coherent by the purge messages every process receives (see
`gateway/cache/subscriber.py`), and is emptied whenever that subscription drops.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from gateway.cache.redis_tier import CachedResponse


class MemoryTier:
    def __init__(self, *, max_bytes: int, max_entries: int, ttl_seconds: float) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.ttl = ttl_seconds
        self.bytes = 0
        self._entries: OrderedDict[str, tuple[float, str, CachedResponse]] = OrderedDict()
        self._by_tag: dict[tuple[str, str], set[str]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> CachedResponse | None:
        found = self._entries.get(key)
        if found is None:
            return None
        expires, _, entry = found
        if expires <= time.monotonic():
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: str, store_id: str, entry: CachedResponse) -> None:
        if entry.size > self.max_bytes or self.max_entries <= 0:
            return
        self._drop(key)
        self._entries[key] = (time.monotonic() + self.ttl, store_id, entry)
        self.bytes += entry.size
        for tag in entry.tags:
            self._by_tag.setdefault((store_id, tag), set()).add(key)
        while len(self._entries) > self.max_entries or self.bytes > self.max_bytes:
            self._drop(next(iter(self._entries)))

    def purge(self, store_id: str, tags: list[str]) -> int:
        keys: set[str] = set()
        for tag in tags:
            keys |= self._by_tag.pop((store_id, tag), set())
        for key in keys:
            self._drop(key)
        return len(keys)

    def clear(self) -> None:
        self._entries.clear()
        self._by_tag.clear()
        self.bytes = 0

    def _drop(self, key: str) -> None:
        found = self._entries.pop(key, None)
        if found is None:
            return
        _, store_id, entry = found
        self.bytes -= entry.size
        for tag in entry.tags:
            keys = self._by_tag.get((store_id, tag))
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_tag[(store_id, tag)]
