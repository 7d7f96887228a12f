"""The tagged response cache: hits served before execution, key separation, purges through the real consumer,
the purge race, two processes kept coherent, single-flight, fail-open, the principal cache and metrics."""

from __future__ import annotations

import asyncio
import time
import uuid

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import Database
from gateway.cache.redis_tier import CachedResponse, purge_tags, stamps_ttl_ms
from gateway.cache.response_cache import Computed, cache_key
from gateway.settings import Settings
from resolvers.ids import encode_global_id
from tests.fixtures.apps import CLOSED_REDIS
from tests.fixtures.cache import SHOP_ID, deliver, gateway, persisted, redis_server, settled, sha256
from tests.fixtures.database import fetch, statements
from tests.fixtures.tenancy import MakeStore, gql
from workers.handlers import PURGE_STAGE, Registry

REGISTER = """mutation Register($body: String!) {
  persistedDocumentRegister(body: $body) { document { sha256 } errors { code } }
}"""
SHOP_IF = "query ShopIf($full: Boolean!) { shop { name timezone @include(if: $full) } }\n"
RENAME = (
    "mutation Rename($name: String!) { shopUpdate(input: {name: $name}) { shop { name } errors { code } } }"
)
TOKEN_REVOKE = "mutation Revoke($id: ID!) { apiTokenRevoke(id: $id) { apiToken { id } errors { code } } }"


def shop_reads(seen: list[str]) -> int:
    """Statements that read the store row: one per execution of the Shop resolver."""
    return sum(1 for s in seen if "FROM stores" in s)


async def rename(client, store, name: str) -> None:
    res = await gql(client, store.admin, RENAME, {"name": name})
    assert res.json()["data"]["shopUpdate"]["errors"] == []


async def test_a_hit_is_served_without_executing_or_touching_the_database(
    settings: Settings, make_store: MakeStore
) -> None:
    a = await make_store("a")
    async with gateway(settings) as (client, state):
        first = await persisted(client, a.storefront)
        with statements(state.db.primary, state.db.replica) as seen:
            second = await persisted(client, a.storefront)

    assert first.headers["x-cache"] == "MISS"
    assert first.json()["data"]["shop"]["name"] == "Store a"
    assert second.headers["x-cache"] == "HIT-MEMORY"
    assert second.content == first.content
    assert second.headers["content-type"] == first.headers["content-type"]
    # Neither the token (principal cache) nor the store (response cache) was read.
    assert seen == []


async def test_another_process_is_served_from_redis_without_executing(
    settings: Settings, make_store: MakeStore
) -> None:
    a = await make_store("a")
    async with gateway(settings) as (one, _), gateway(settings) as (two, state_two):
        first = await persisted(one, a.storefront)
        with statements(state_two.db.primary) as seen:
            from_redis = await persisted(two, a.storefront)
        from_memory = await persisted(two, a.storefront)

    assert (first.headers["x-cache"], from_redis.headers["x-cache"]) == ("MISS", "HIT-REDIS")
    assert from_memory.headers["x-cache"] == "HIT-MEMORY"
    assert from_redis.content == first.content == from_memory.content
    assert shop_reads(seen) == 0
    assert all("stormcom_resolve_token" in s for s in seen)  # only this process's first token look-up


async def test_the_key_separates_variables_locale_currency_media_and_store(
    settings: Settings, make_store: MakeStore
) -> None:
    a, b = await make_store("a"), await make_store("b")
    async with gateway(settings) as (client, _):
        registered = await gql(client, a.admin, REGISTER, {"body": SHOP_IF})
        assert registered.json()["data"]["persistedDocumentRegister"]["errors"] == []
        doc = sha256(SHOP_IF)
        variants = [
            (a.storefront, SHOP_ID, None, {}),
            (a.storefront, SHOP_ID, None, {"accept-language": "en"}),
            (a.storefront, SHOP_ID, None, {"accept-language": "bn"}),
            (a.storefront, SHOP_ID, None, {"x-currency": "USD"}),
            (a.storefront, SHOP_ID, None, {"accept": "application/json"}),
            (b.storefront, SHOP_ID, None, {}),
            (a.storefront, doc, {"full": True}, {}),
            (a.storefront, doc, {"full": False}, {}),
        ]
        first = [await persisted(client, t, d, v, h) for t, d, v, h in variants]
        again = [await persisted(client, t, d, v, h) for t, d, v, h in variants]

    assert [r.headers["x-cache"] for r in first] == ["MISS"] * len(variants)
    assert [r.headers["x-cache"] for r in again] == ["HIT-MEMORY"] * len(variants)
    assert [r.content for r in again] == [r.content for r in first]
    assert first[5].json()["data"]["shop"]["name"] == "Store b"
    assert "timezone" in first[6].json()["data"]["shop"]
    assert "timezone" not in first[7].json()["data"]["shop"]
    assert first[4].headers["content-type"].startswith("application/json")
    # Variables are canonical: key order does not make a new entry.
    assert cache_key(
        store_id=a.id, document=doc, operation=None, variables={"x": 1, "y": 2}, locale=None, currency=None,
        media="m",
    ) == cache_key(
        store_id=a.id, document=doc, operation=None, variables={"y": 2, "x": 1}, locale=None, currency=None,
        media="m",
    )  # fmt: skip


async def test_store_updated_purges_through_the_consumer_and_the_next_answer_is_fresh(
    settings: Settings, make_store: MakeStore, db: Database, owner_engine: AsyncEngine
) -> None:
    a, b = await make_store("a"), await make_store("b")
    async with gateway(settings) as (client, state):
        await persisted(client, a.storefront)
        await persisted(client, b.storefront)
        await rename(client, a, "Renamed a")
        stale = await persisted(client, a.storefront)  # no purge delivered yet: still the cached answer
        seen = state.subscriber.received

        ran = await deliver(db, owner_engine, a.id, "store.updated")
        async with asyncio.timeout(30):
            await state.subscriber.wait_received(seen + 1)
        fresh = await persisted(client, a.storefront)
        again = await persisted(client, a.storefront)
        other_store = await persisted(client, b.storefront)

    assert ran == ["cache.purge", "webhooks.fanout"]
    assert stale.headers["x-cache"] == "HIT-MEMORY"
    assert stale.json()["data"]["shop"]["name"] == "Store a"
    assert fresh.headers["x-cache"] == "MISS"
    assert fresh.json()["data"]["shop"]["name"] == "Renamed a"
    assert again.headers["x-cache"] == "HIT-MEMORY"
    assert other_store.headers["x-cache"] == "HIT-MEMORY"  # tags are per store


async def test_a_purge_after_the_store_makes_the_redis_entry_stale(
    settings: Settings, make_store: MakeStore, redis: Redis
) -> None:
    a = await make_store("a")
    async with gateway(settings, subscribed=False) as (client, state):
        await state.subscriber.stop()  # no subscription: the memory tier stays off, Redis alone decides
        first = await persisted(client, a.storefront)
        hit = await persisted(client, a.storefront)
        await _purge(redis, settings, a.id, {"unrelated"})
        still = await persisted(client, a.storefront)
        await _purge(redis, settings, a.id, {f"store:{a.id}"})
        after = await persisted(client, a.storefront)

    sources = [r.headers["x-cache"] for r in (first, hit, still, after)]
    assert sources == ["MISS", "HIT-REDIS", "HIT-REDIS", "MISS"]


async def _purge(redis: Redis, settings: Settings, store_id: uuid.UUID, tags: set[str]) -> int:
    return await purge_tags(
        redis,
        prefix=settings.response_cache_prefix,
        channel=settings.response_cache_channel,
        meta_ttl_ms=stamps_ttl_ms(settings.response_cache_ttl_seconds * 1000),
        store_id=store_id,
        tags=tags,
    )


async def test_an_answer_computed_before_a_purge_is_never_served_after_it(
    settings: Settings, redis: Redis
) -> None:
    store = uuid.uuid4()
    key = cache_key(
        store_id=store, document="d", operation=None, variables=None, locale=None, currency=None, media="m"
    )
    async with gateway(settings) as (_, state):
        computed: list[int] = []

        async def compute() -> Computed:
            computed.append(len(computed) + 1)
            if len(computed) == 1:
                # The data are read; a purge of the answer's tag lands (and reaches this process) before the
                # answer is stored.
                seen = state.subscriber.received
                await _purge(redis, settings, store, {"product:1"})
                await state.subscriber.wait_received(seen + 1)
            body = f'{{"v":{computed[-1]}}}'.encode()
            return Computed(CachedResponse(body, 200, "application/json", frozenset({"product:1"})), True)

        racing, source_1 = await state.cache.get_or_compute(key, compute)
        stored_after_race = await redis.exists(f"{settings.response_cache_prefix}:{{{store}}}:e:{key.digest}")
        recomputed, source_2 = await state.cache.get_or_compute(key, compute)
        cached, source_3 = await state.cache.get_or_compute(key, compute)

    assert (racing.body, source_1) == (b'{"v":1}', "MISS")
    assert stored_after_race == 0
    # Not kept in memory nor in Redis: the next request computes again.
    assert (recomputed.body, source_2) == (b'{"v":2}', "MISS")
    assert (cached.body, source_3) == (b'{"v":2}', "HIT-MEMORY")
    assert computed == [1, 2]


async def test_two_processes_stay_coherent_through_pubsub(
    settings: Settings, make_store: MakeStore, db: Database, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    async with gateway(settings) as (one, s1), gateway(settings) as (two, s2):
        await persisted(one, a.storefront)
        await persisted(two, a.storefront)
        warm = [(await persisted(c, a.storefront)).headers["x-cache"] for c in (one, two)]
        await rename(one, a, "New name")
        seen = (s1.subscriber.received, s2.subscriber.received)
        await deliver(db, owner_engine, a.id, "store.updated")
        async with asyncio.timeout(30):
            await s1.subscriber.wait_received(seen[0] + 1)
            await s2.subscriber.wait_received(seen[1] + 1)
        after = [await persisted(c, a.storefront) for c in (one, two)]

    assert warm == ["HIT-MEMORY", "HIT-MEMORY"]
    assert [r.headers["x-cache"] for r in after] == ["MISS", "HIT-REDIS"]
    assert [r.json()["data"]["shop"]["name"] for r in after] == ["New name", "New name"]


async def test_a_burst_on_a_cold_key_executes_once_per_process(
    settings: Settings, make_store: MakeStore
) -> None:
    a = await make_store("a")
    async with gateway(settings) as (client, state):
        await persisted(client, a.storefront, headers={"accept-language": "en"})  # principal cached
        with statements(state.db.primary, state.db.replica) as seen:
            burst = await asyncio.gather(*(persisted(client, a.storefront) for _ in range(20)))

    assert shop_reads(seen) == 1
    assert sorted(r.headers["x-cache"] for r in burst) == ["HIT-MEMORY"] * 19 + ["MISS"]
    assert len({r.content for r in burst}) == 1


async def test_a_burst_still_executes_once_while_the_breaker_skips_redis(
    settings: Settings, make_store: MakeStore
) -> None:
    a = await make_store("a")
    async with gateway(settings) as (client, state):
        await persisted(client, a.storefront, headers={"accept-language": "en"})  # principal cached
        # As after three timeouts in a row on a saturated loop: Redis skipped, the subscription still up.
        state.cache._skip_redis_until = time.monotonic() + 60
        with statements(state.db.primary, state.db.replica) as seen:
            burst = await asyncio.gather(*(persisted(client, a.storefront) for _ in range(20)))

    assert shop_reads(seen) == 1
    assert sorted(r.headers["x-cache"] for r in burst) == ["HIT-MEMORY"] * 19 + ["MISS"]


async def test_a_burst_across_processes_executes_once(settings: Settings, make_store: MakeStore) -> None:
    a = await make_store("a")
    # Waiting processes wait for the lock holder rather than give up and compute (the default wait is 1 s).
    async with (
        gateway(settings, response_cache_wait_ms=30_000) as (one, s1),
        gateway(settings, response_cache_wait_ms=30_000) as (two, s2),
    ):
        for c in (one, two):
            await persisted(c, a.storefront, headers={"accept-language": "en"})
        with statements(s1.db.primary, s2.db.primary) as seen:
            burst = await asyncio.gather(*(persisted(c, a.storefront) for _ in range(10) for c in (one, two)))

    assert shop_reads(seen) == 1
    sources = sorted(r.headers["x-cache"] for r in burst)
    assert sources.count("MISS") == 1 and sources.count("HIT-REDIS") == 1
    assert len({r.content for r in burst}) == 1


async def test_redis_unreachable_means_no_cache_and_no_error(
    settings: Settings, make_store: MakeStore
) -> None:
    a = await make_store("a")
    async with gateway(settings, subscribed=False, redis_url=CLOSED_REDIS) as (client, state):
        answers = [await persisted(client, a.storefront) for _ in range(3)]

    assert [r.status_code for r in answers] == [200, 200, 200]
    assert [r.headers["x-cache"] for r in answers] == ["MISS", "MISS", "MISS"]
    assert {r.json()["data"]["shop"]["name"] for r in answers} == {"Store a"}
    assert not state.subscriber.up.is_set()


async def test_redis_stopping_empties_memory_and_the_cache_comes_back_with_it(
    settings: Settings, make_store: MakeStore
) -> None:
    a = await make_store("a")
    with redis_server() as server:
        quick = {"response_cache_retry_after_seconds": 0, "pubsub_health_check_seconds": 0.5}
        async with gateway(settings, redis_url=server.url, **quick) as (client, state):
            warm = [(await persisted(client, a.storefront)).headers["x-cache"] for _ in range(2)]
            server.stop()
            await settled(state.subscriber.down)
            down = [await persisted(client, a.storefront) for _ in range(2)]
            server.start()
            await settled(state.subscriber.up)
            back = [(await persisted(client, a.storefront)).headers["x-cache"] for _ in range(2)]

    assert warm == ["MISS", "HIT-MEMORY"]
    assert [(r.status_code, r.headers["x-cache"]) for r in down] == [(200, "MISS"), (200, "MISS")]
    assert {r.json()["data"]["shop"]["name"] for r in down} == {"Store a"}
    assert back == ["MISS", "HIT-MEMORY"]


async def test_a_hung_redis_means_no_cache_no_error_and_no_memory_tier(
    settings: Settings, make_store: MakeStore
) -> None:
    a = await make_store("a")
    with redis_server() as server:
        quick = {
            "response_cache_retry_after_seconds": 0,
            "response_cache_redis_timeout_ms": 500,
            "pubsub_health_check_seconds": 0.5,
        }
        async with gateway(settings, redis_url=server.url, **quick) as (client, state):
            warm = [(await persisted(client, a.storefront)).headers["x-cache"] for _ in range(2)]
            server.pause()
            # Until the missing PONG is noticed memory may still answer; Redis answers nothing, no error.
            hung = [await persisted(client, a.storefront) for _ in range(2)]
            await settled(state.subscriber.down)  # no PONG: the memory tier is emptied and off
            while_down = await persisted(client, a.storefront)
            server.resume()
            await settled(state.subscriber.up)
            back = [(await persisted(client, a.storefront)).headers["x-cache"] for _ in range(3)]

    assert warm == ["MISS", "HIT-MEMORY"]
    assert [r.status_code for r in hung] == [200, 200]
    assert {r.json()["data"]["shop"]["name"] for r in hung} == {"Store a"}
    assert (while_down.status_code, while_down.headers["x-cache"]) == (200, "MISS")
    assert while_down.json()["data"]["shop"]["name"] == "Store a"
    assert back[-1] == "HIT-MEMORY"


async def test_a_revoked_token_is_refused_at_once_despite_the_principal_cache(
    settings: Settings, make_store: MakeStore, db: Database, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    (row,) = await fetch(owner_engine, "SELECT id FROM api_tokens WHERE prefix = :p", p=a.storefront[:12])
    async with gateway(settings) as (client, state):
        await persisted(client, a.storefront)
        with statements(state.db.primary) as seen:
            cached = await persisted(client, a.storefront)
        revoked = await gql(client, a.admin, TOKEN_REVOKE, {"id": encode_global_id("ApiToken", row["id"])})
        received = state.subscriber.received
        ran = await deliver(db, owner_engine, a.id, "api_token.revoked")
        async with asyncio.timeout(30):
            await state.subscriber.wait_received(received + 1)
        refused = await persisted(client, a.storefront)

    assert seen == []  # the principal came from memory
    assert cached.status_code == 200
    assert revoked.json()["data"]["apiTokenRevoke"]["errors"] == []
    assert ran == ["cache.purge", "webhooks.fanout"]
    assert refused.status_code == 401


async def test_admin_principals_are_never_cached(settings: Settings, make_store: MakeStore) -> None:
    a = await make_store("a")
    async with gateway(settings) as (client, state):
        await gql(client, a.admin, "{ shop { name } }")
        with statements(state.db.primary) as seen:
            await gql(client, a.admin, "{ shop { name } }")

    # A role change or revocation of an admin token applies on its very next request, as without the cache.
    assert sum(1 for s in seen if "stormcom_resolve_token" in s) == 1


async def test_admin_tokens_raw_documents_and_mutations_bypass_the_cache(
    settings: Settings, make_store: MakeStore
) -> None:
    a = await make_store("a")
    async with gateway(settings) as (client, _):
        admin_persisted = [await persisted(client, a.admin) for _ in range(2)]
        raw = await gql(client, a.admin, "{ shop { name } }")
        mutation = await gql(client, a.admin, RENAME, {"name": "x"})
        body = 'mutation Rename { shopUpdate(input: {name: "y"}) { shop { name } errors { code } } }\n'
        await gql(client, a.admin, REGISTER, {"body": body})
        storefront_mutation = await persisted(client, a.storefront, sha256(body))

    assert [r.headers["x-cache"] for r in admin_persisted] == ["BYPASS", "BYPASS"]
    assert raw.headers["x-cache"] == mutation.headers["x-cache"] == "BYPASS"
    assert storefront_mutation.headers["x-cache"] == "BYPASS"


async def test_answers_with_errors_are_not_cached(settings: Settings, make_store: MakeStore) -> None:
    a = await make_store("a")
    async with gateway(settings) as (client, _):
        await gql(client, a.admin, REGISTER, {"body": SHOP_IF})
        bad = [await persisted(client, a.storefront, sha256(SHOP_IF), {"full": "yes"}) for _ in range(2)]

    assert [r.status_code for r in bad] == [400, 400]
    assert [r.headers["x-cache"] for r in bad] == ["MISS", "MISS"]


async def test_uncacheable_answers_are_neither_kept_nor_shared(settings: Settings) -> None:
    store = uuid.uuid4()
    key = cache_key(
        store_id=store, document="d", operation=None, variables=None, locale=None, currency=None, media="m"
    )
    async with gateway(settings) as (_, state):
        calls: list[int] = []
        started, release = asyncio.Event(), asyncio.Event()

        async def compute() -> Computed:
            calls.append(1)
            started.set()
            await release.wait()
            return Computed(CachedResponse(b"{}", 200, "application/json", frozenset()), cacheable=False)

        burst = asyncio.gather(*(state.cache.get_or_compute(key, compute) for _ in range(3)))
        await settled(started)
        release.set()
        answers = await burst
        later = await state.cache.get_or_compute(key, compute)

    assert [source for _, source in answers] == ["MISS"] * 3
    assert later[1] == "MISS"
    assert len(calls) == 4


async def test_metrics_count_hits_and_misses_per_tier(settings: Settings, make_store: MakeStore) -> None:
    a = await make_store("a")
    async with gateway(settings) as (one, _), gateway(settings) as (two, _):
        await persisted(one, a.storefront)
        await persisted(one, a.storefront)
        await persisted(two, a.storefront)
        scraped = [(await c.get("/metrics")).text for c in (one, two)]

    assert 'stormcom_response_cache_total{result="miss",tier="memory"} 1.0' in scraped[0]
    assert 'stormcom_response_cache_total{result="hit",tier="memory"} 1.0' in scraped[0]
    assert 'stormcom_response_cache_total{result="miss",tier="redis"} 1.0' in scraped[0]
    assert 'stormcom_response_cache_total{result="hit",tier="redis"} 1.0' in scraped[1]


def test_the_purge_runs_after_every_other_consumer_of_an_event() -> None:
    registry = Registry()
    order: list[str] = []

    @registry.register("cache.purge", "product.updated", stage=PURGE_STAGE)
    async def purge(uow, event) -> None:  # type: ignore[no-untyped-def]
        order.append("purge")

    @registry.register("catalog.read_model", "product.updated")
    async def read_model(uow, event) -> None:  # type: ignore[no-untyped-def]
        order.append("read_model")

    assert [c.name for c in registry.for_type("product.updated")] == ["catalog.read_model", "cache.purge"]


def test_every_event_with_cache_tags_is_consumed_by_the_purge() -> None:
    from domain.catalog import events
    from workers.handlers import consumers

    types = [v for k, v in vars(events).items() if k.isupper() and isinstance(v, str) and "." in v]
    purge_types = next(c for c in consumers.for_type("store.updated") if c.name == "cache.purge").types
    assert types and set(types) <= purge_types
    assert events.cache_tags("store.updated", {"id": "s1"}) == {"store:s1"}
