"""The Redis tier of the response cache, and the purge that workers call.

Keys are hash-tagged by store (`{store_id}`), so one store's entries, its tag stamps and its locks live in one
Redis Cluster slot and each Lua script below touches one slot.

Freshness (the race a purge must win): every store has a hash `…:{store}:tags` holding
- `_epoch`: a random id, created when the hash is created; an entry records it, so if the hash is ever lost
  (expired, evicted) every entry that relied on its stamps becomes a miss instead of wrongly valid;
- `_seq`: the store's purge sequence, incremented by every purge;
- `<tag>`: the value of `_seq` at the last purge of that tag (its stamp).
A computation reads `(_epoch, _seq)` before it reads any data and the entry records them. An entry is fresh
while every one of its tags has a stamp <= its recorded `_seq`. A purge that lands while a response is being
computed stamps the tags with a higher `_seq`, so the store script refuses the entry, and a purge after the
store makes every later lookup a miss. Tags are only known after resolution, which is why one per-store
sequence is read up front rather than per-tag counters.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from redis.asyncio import Redis

# KEYS: entry, meta, lock. ARGV: new epoch, meta ttl ms, lock token, lock ms (0: do not lock).
# A fresh entry: {1, body, status, content type, seq, tags}. Otherwise: {0, epoch, seq, locked}.
_FETCH = """
local e = redis.call('HMGET', KEYS[1], 'b', 's', 't', 'q', 'p', 'g')
local epoch = redis.call('HGET', KEYS[2], '_epoch')
if e[1] and epoch and epoch == e[5] then
  local q = tonumber(e[4])
  local fresh = true
  for tag in string.gmatch(e[6], '%S+') do
    local v = redis.call('HGET', KEYS[2], tag)
    if v and tonumber(v) > q then fresh = false break end
  end
  if fresh then return {1, e[1], e[2], e[3], e[4], e[6]} end
end
if not epoch then
  epoch = ARGV[1]
  redis.call('HSET', KEYS[2], '_epoch', epoch)
end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
local seq = redis.call('HGET', KEYS[2], '_seq') or '0'
local locked = 0
if tonumber(ARGV[4]) > 0 and redis.call('SET', KEYS[3], ARGV[3], 'NX', 'PX', ARGV[4]) then locked = 1 end
return {0, epoch, seq, locked}
"""

# KEYS: entry, meta, lock.
# ARGV: body, status, content type, seq, epoch, tags, ttl ms, meta ttl ms, lock token.
_STORE = """
local function release()
  if redis.call('GET', KEYS[3]) == ARGV[9] then redis.call('DEL', KEYS[3]) end
end
if redis.call('HGET', KEYS[2], '_epoch') ~= ARGV[5] then release() return 0 end
local q = tonumber(ARGV[4])
for tag in string.gmatch(ARGV[6], '%S+') do
  local v = redis.call('HGET', KEYS[2], tag)
  if v and tonumber(v) > q then release() return 0 end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'b', ARGV[1], 's', ARGV[2], 't', ARGV[3],
  'q', ARGV[4], 'p', ARGV[5], 'g', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[8])
release()
return 1
"""

# KEYS: lock. ARGV: lock token.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# KEYS: meta. ARGV: meta ttl ms, channel, message prefix, tags... The stamps and the publication are one
# atomic step, so no process can see the message before the stamps exist.
_PURGE = """
local seq = redis.call('HINCRBY', KEYS[1], '_seq', 1)
for i = 4, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], seq) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3] .. seq .. '}')
return seq
"""


def clean_tags(tags: Iterable[str]) -> frozenset[str]:
    """Tags as stored: space separates them and `_` starts the stamps' own fields, so neither may appear."""
    return frozenset(t for t in tags if t and not t.startswith("_") and " " not in t)


def stamps_ttl_ms(entry_ttl_ms: int) -> int:
    """The stamps outlive every entry that refers to them; if they go anyway the epoch makes entries miss."""
    return 2 * entry_ttl_ms


def store_prefix(prefix: str, store_id: uuid.UUID | str) -> str:
    return f"{prefix}:{{{store_id}}}"


@dataclass(frozen=True)
class CachedResponse:
    """The exact bytes of an answer, so a hit is a memory copy."""

    body: bytes
    status: int
    content_type: str
    tags: frozenset[str]

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(t) for t in self.tags) + 64

    @cached_property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        """Content-Length and Content-Type as Starlette's `Response` writes them, built once per entry
        for the hit path (gateway/hit_path.py)."""
        headers: list[tuple[bytes, bytes]] = []
        if not (self.status < 200 or self.status in (204, 304)):
            headers.append((b"content-length", str(len(self.body)).encode("latin-1")))
        headers.append((b"content-type", self.content_type.encode("latin-1")))
        return tuple(headers)


@dataclass(frozen=True)
class Fetched:
    """A Redis look-up: the entry when fresh, else the stamps to record and whether we now hold the lock."""

    entry: CachedResponse | None
    epoch: str = ""
    seq: int = 0
    locked: bool = False


class RedisTier:
    def __init__(self, redis: Redis, *, prefix: str, ttl_ms: int, lock_ms: int) -> None:
        self.redis = redis
        self.prefix = prefix
        self.ttl_ms = ttl_ms
        self.meta_ttl_ms = stamps_ttl_ms(ttl_ms)
        self.lock_ms = lock_ms
        self._fetch = redis.register_script(_FETCH)
        self._store = redis.register_script(_STORE)
        self._release = redis.register_script(_RELEASE)

    def _keys(self, store_id: str, digest: str) -> list[str]:
        base = store_prefix(self.prefix, store_id)
        return [f"{base}:e:{digest}", f"{base}:tags", f"{base}:l:{digest}"]

    async def fetch(self, store_id: str, digest: str, lock_token: str, *, lock: bool) -> Fetched:
        raw = await self._fetch(
            keys=self._keys(store_id, digest),
            args=[uuid.uuid4().hex, self.meta_ttl_ms, lock_token, self.lock_ms if lock else 0],
        )
        if int(raw[0]) == 1:
            tags = frozenset(raw[5].decode().split()) if raw[5] else frozenset()
            entry = CachedResponse(bytes(raw[1]), int(raw[2]), raw[3].decode(), tags)
            return Fetched(entry, seq=int(raw[4]))
        return Fetched(None, epoch=raw[1].decode(), seq=int(raw[2]), locked=int(raw[3]) == 1)

    async def store(
        self, store_id: str, digest: str, entry: CachedResponse, fetched: Fetched, lock_token: str
    ) -> bool:
        """Store the entry unless one of its tags was purged after `fetched` was read; release our lock."""
        stored = await self._store(
            keys=self._keys(store_id, digest),
            args=[
                entry.body,
                entry.status,
                entry.content_type,
                fetched.seq,
                fetched.epoch,
                " ".join(sorted(clean_tags(entry.tags))),
                self.ttl_ms,
                self.meta_ttl_ms,
                lock_token,
            ],
        )
        return int(stored) == 1

    async def release(self, store_id: str, digest: str, lock_token: str) -> None:
        await self._release(keys=self._keys(store_id, digest)[2:], args=[lock_token])


async def purge_tags(
    redis: Redis,
    *,
    prefix: str,
    channel: str,
    meta_ttl_ms: int,
    store_id: uuid.UUID | str,
    tags: Iterable[str],
) -> int:
    """Stamp the tags with a new purge sequence and tell every gateway process; return the sequence."""
    tag_list = sorted(clean_tags(tags))
    head = json.dumps({"kind": "tags", "store": str(store_id), "tags": tag_list})[:-1] + ', "seq": '
    script = redis.register_script(_PURGE)
    seq = await script(
        keys=[f"{store_prefix(prefix, store_id)}:tags"], args=[meta_ttl_ms, channel, head, *tag_list]
    )
    return int(seq)


async def publish_principals(
    redis: Redis, *, channel: str, store_id: uuid.UUID | str, token_ids: Sequence[str] | None
) -> None:
    """Tell every gateway process to forget cached principals: some tokens, or (None) all of the store's."""
    tokens = list(token_ids or [])
    message = {"kind": "principals", "store": str(store_id), "tokens": tokens, "all": not tokens}
    await redis.publish(channel, json.dumps(message))
