"""Storefront principals resolved from bearer tokens, kept briefly in each process so a cached answer
costs no DB (gateway/auth.py keeps no admin or partner principal: their changes apply at once).

Keyed by the token's sha256 (the plaintext is never kept). An entry lives for the shortest of the
setting (30 s by default), the token's own expiry, and one minute: `stormcom_resolve_token` sets
`last_used_at` at most once a minute, and re-resolving at least once a minute of use keeps that column
as it was without the cache (a token in use shows a use within the last one to two minutes).
Revocations, role changes and store changes purge entries in every process at once through the purge
channel; like the memory tier, the cache is used only while that subscription is up.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime

from domain.access.principal import Principal, token_digest
from domain.db import utcnow

LAST_USED_RESOLUTION_SECONDS = 60.0


class PrincipalCache:
    def __init__(
        self, *, ttl_seconds: float, max_entries: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = min(ttl_seconds, LAST_USED_RESOLUTION_SECONDS)
        self.max_entries = max_entries
        # Injectable so tests can step past the TTL (the bound on a revocation whose purge was missed).
        self.clock = clock
        self.enabled = False
        self._entries: dict[bytes, tuple[float, Principal]] = {}
        # Moves on every purge: a principal read from the database before a purge that this process has
        # since received is not kept (it may be a token revoked meanwhile).
        self.version = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, token: str) -> Principal | None:
        if not self.enabled or self.ttl <= 0:
            return None
        digest = token_digest(token)
        found = self._entries.get(digest)
        if found is None:
            return None
        if found[0] <= self.clock():
            del self._entries[digest]
            return None
        return found[1]

    def put(self, token: str, principal: Principal, expires_at: datetime | None, *, read_at: int) -> None:
        """Keep a principal read from the database when `version` was `read_at`."""
        if not self.enabled or self.ttl <= 0 or read_at != self.version:
            return
        lifetime = self.ttl
        if expires_at is not None:
            lifetime = min(lifetime, (expires_at - utcnow()).total_seconds())
        if lifetime <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[token_digest(token)] = (self.clock() + lifetime, principal)

    def forget(self, store_id: uuid.UUID | str, token_ids: list[str] | None) -> None:
        """Drop the given tokens of a store, or all its tokens (None)."""
        self.version += 1
        store = str(store_id)
        wanted = set(token_ids or ())
        for digest, (_, principal) in list(self._entries.items()):
            if str(principal.store_id) == store and (token_ids is None or str(principal.token_id) in wanted):
                del self._entries[digest]

    def enable(self) -> None:
        self.version += 1
        self._entries.clear()
        self.enabled = True

    def disable(self) -> None:
        self.version += 1
        self.enabled = False
        self._entries.clear()
