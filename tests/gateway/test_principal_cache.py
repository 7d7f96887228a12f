"""The per-process principal cache: never past a token's expiry or a minute, nothing kept that a purge
received meanwhile may have made stale, nothing at all while the purge subscription is down."""

from __future__ import annotations

import uuid
from datetime import timedelta

from domain.access.models import TokenKind
from domain.access.principal import Principal
from domain.db import utcnow
from gateway.cache.principals import PrincipalCache


def principal(store: uuid.UUID, expires_in: timedelta | None = None) -> Principal:
    return Principal(
        token_id=uuid.uuid4(),
        store_id=store,
        organization_id=uuid.uuid4(),
        kind=TokenKind.STOREFRONT,
        prefix="stc_sf_abcde",
        name="storefront",
        scopes=frozenset(),
        expires_at=None if expires_in is None else utcnow() + expires_in,
    )


def test_entries_never_live_past_a_minute_so_last_used_at_keeps_its_resolution() -> None:
    assert PrincipalCache(ttl_seconds=600).ttl == 60
    assert PrincipalCache(ttl_seconds=30).ttl == 30


def test_an_expired_token_is_not_kept_and_a_live_one_is() -> None:
    cache = PrincipalCache(ttl_seconds=30)
    cache.enable()
    store = uuid.uuid4()
    expired, live = principal(store, timedelta(seconds=-1)), principal(store, timedelta(hours=1))

    cache.put("expired", expired, expired.expires_at, read_at=cache.version)
    cache.put("live", live, live.expires_at, read_at=cache.version)

    assert cache.get("expired") is None
    assert cache.get("live") == live


def test_a_principal_read_before_a_purge_is_not_kept() -> None:
    cache = PrincipalCache(ttl_seconds=30)
    cache.enable()
    store = uuid.uuid4()
    p = principal(store)
    read_at = cache.version

    cache.forget(store, [str(p.token_id)])  # the revocation arrives while the token was being looked up
    cache.put("token", p, None, read_at=read_at)

    assert cache.get("token") is None


def test_forget_drops_only_the_named_tokens_of_the_store_or_all_of_it() -> None:
    cache = PrincipalCache(ttl_seconds=30)
    cache.enable()
    a, b = uuid.uuid4(), uuid.uuid4()
    a1, a2, b1 = principal(a), principal(a), principal(b)
    for token, p in (("a1", a1), ("a2", a2), ("b1", b1)):
        cache.put(token, p, None, read_at=cache.version)

    cache.forget(a, [str(a1.token_id)])
    assert (cache.get("a1"), cache.get("a2"), cache.get("b1")) == (None, a2, b1)
    cache.forget(a, None)
    assert (cache.get("a2"), cache.get("b1")) == (None, b1)


def test_nothing_is_cached_while_the_subscription_is_down() -> None:
    cache = PrincipalCache(ttl_seconds=30)
    p = principal(uuid.uuid4())
    cache.put("token", p, None, read_at=cache.version)
    assert cache.get("token") is None

    cache.enable()
    cache.put("token", p, None, read_at=cache.version)
    cache.disable()
    assert cache.get("token") is None and len(cache) == 0
