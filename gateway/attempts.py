"""Throttles on guessable storefront operations: customer login and password reset requests.

Two leaky buckets per action (gateway/limits.py's, in Redis): one per store and identity (the email or
phone spelled one way, hashed in the key) and one per store and client address. A bucket of `n` attempts
refills over the window, so 5 per 15 minutes means 5 at once, then one every 3 minutes. The resolver takes
an attempt before any password is hashed; a login that proves the password empties the identity's count
and gives the address its attempt back, so the address counts failures only.

Redis down: the attempt is counted in this process instead (the same buckets, kept in memory), so sign-in
keeps working and guessing stays bounded (by the number of gateway processes times the limit). See
docs/adr/0014-cart-customers-shipping.md for why neither plain fail-open nor fail-closed.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from redis.exceptions import RedisError

from gateway.limits import LeakyBuckets, Throttle

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AttemptRule:
    per_identity: int
    per_ip: int
    window_seconds: float


class LocalBuckets:
    """The same leaky buckets in process memory, for when Redis does not answer. Bounded: the least
    recently used buckets go first."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self.max_keys = max_keys
        self._levels: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def spend(self, key: str, *, capacity: float, rate: float, cost: float) -> Throttle:
        now = time.monotonic()
        level, at = self._levels.pop(key, (capacity, now))
        level = min(capacity, level + (now - at) * rate)
        allowed = cost < 0 or level >= cost
        if allowed:
            level = min(capacity, level - cost)
        self._levels[key] = (level, now)
        while len(self._levels) > self.max_keys:
            self._levels.popitem(last=False)
        return Throttle(allowed=allowed, available=level)

    def reset(self, key: str) -> None:
        self._levels.pop(key, None)


class AttemptLimiter:
    """resolvers.context.AttemptGuard over Redis, with LocalBuckets when Redis fails."""

    def __init__(
        self,
        buckets: LeakyBuckets,
        rules: Mapping[str, AttemptRule],
        *,
        local: LocalBuckets | None = None,
        retry_after_seconds: float = 1.0,
    ) -> None:
        self.buckets = buckets
        self.rules = dict(rules)
        self.local = local or LocalBuckets()
        self.retry_after_seconds = retry_after_seconds
        self._redis_down_until = 0.0

    async def take(self, action: str, store_id: uuid.UUID, identity: str, ip: str | None) -> bool:
        rule = self.rules[action]
        if ip and not await self._spend(_ip_key(action, store_id, ip), rule.per_ip, rule, 1):
            return False
        if not await self._spend(_identity_key(action, store_id, identity), rule.per_identity, rule, 1):
            if ip:
                # Refused without a password check: the address does not pay for it.
                await self._spend(_ip_key(action, store_id, ip), rule.per_ip, rule, -1)
            return False
        return True

    async def succeeded(self, action: str, store_id: uuid.UUID, identity: str, ip: str | None) -> None:
        rule = self.rules[action]
        key = _identity_key(action, store_id, identity)
        self.local.reset(key)
        if self._redis_usable():
            try:
                await self.buckets.reset(key)
            except (RedisError, OSError) as exc:
                self._redis_failed(exc)
        if ip:
            await self._spend(_ip_key(action, store_id, ip), rule.per_ip, rule, -1)

    async def _spend(self, key: str, capacity: int, rule: AttemptRule, cost: int) -> bool:
        rate = capacity / rule.window_seconds
        if self._redis_usable():
            try:
                throttle = await self.buckets.spend(key, capacity=capacity, rate=rate, cost=cost)
                return throttle.allowed
            except (RedisError, OSError) as exc:
                self._redis_failed(exc)
        return self.local.spend(key, capacity=capacity, rate=rate, cost=cost).allowed

    def _redis_usable(self) -> bool:
        return time.monotonic() >= self._redis_down_until

    def _redis_failed(self, exc: BaseException) -> None:
        log.warning("attempt limiter: Redis unavailable, counting in this process", extra={"error": str(exc)})
        self._redis_down_until = time.monotonic() + self.retry_after_seconds


def _identity_key(action: str, store_id: uuid.UUID, identity: str) -> str:
    # Hashed: the keys name no email or phone number.
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"{{{store_id}}}:attempts:{action}:id:{digest}"


def _ip_key(action: str, store_id: uuid.UUID, ip: str) -> str:
    return f"{{{store_id}}}:attempts:{action}:ip:{client_network(ip)}"


def client_network(ip: str) -> str:
    """What one client is counted as: an IPv4 address (also when IPv4-mapped), or the /64 of an IPv6 one
    (a single subscriber is usually handed a whole /64, so counting addresses would be no limit)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
