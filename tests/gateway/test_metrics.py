"""/metrics, /healthz and /readyz."""

from __future__ import annotations

import hashlib

import httpx
from prometheus_client.parser import text_string_to_metric_families

from gateway.settings import Settings
from persisted_queries.manifest import load_documents
from tests.fixtures.apps import CLOSED_REDIS, app_client
from tests.fixtures.tenancy import GQL_RESPONSE, MakeStore, gql

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def _metrics(client: httpx.AsyncClient) -> Samples:
    res = await client.get("/metrics")
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(res.text)
        for s in family.samples
    }


def _sample(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


async def _persisted(client: httpx.AsyncClient, token: str, digest: str) -> httpx.Response:
    return await client.post(
        "/graphql",
        json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}},
        headers={"accept": GQL_RESPONSE, "authorization": f"Bearer {token}"},
    )


async def test_graphql_requests_are_counted_by_operation_and_client_kind(
    client, make_store: MakeStore
) -> None:
    # given a fresh app (each app has its own registry)
    a = await make_store("a")
    shop = next(d for d in load_documents() if d.name == "Shop")
    before = await _metrics(client)

    # when an admin sends a raw query twice and the storefront the Shop document once
    await gql(client, a.admin, "{ viewer { name } }")
    await gql(client, a.admin, "{ viewer { name } }")
    await _persisted(client, a.storefront, shop.id)
    after = await _metrics(client)

    # then each is counted under its operation, client kind and outcome
    name = "stormcom_graphql_requests_total"
    assert _sample(before, name, operation="raw", client_kind="admin", outcome="ok") is None
    assert _sample(after, name, operation="raw", client_kind="admin", outcome="ok") == 2.0
    assert _sample(after, name, operation="Shop", client_kind="storefront", outcome="ok") == 1.0
    assert (
        _sample(after, "stormcom_graphql_request_seconds_count", operation="raw", client_kind="admin") == 2.0
    )
    assert _sample(after, "stormcom_http_requests_total", method="POST", path="/graphql", status="200") == 3.0


async def test_rejected_and_unauthenticated_requests_are_counted(client, make_store: MakeStore) -> None:
    a = await make_store("a")

    await gql(client, None, "{ viewer { name } }")
    await gql(client, a.admin, "{ viewer { nope } }")
    samples = await _metrics(client)

    name = "stormcom_graphql_requests_total"
    assert _sample(samples, name, operation="unknown", client_kind="anonymous", outcome="rejected") == 1.0
    assert (
        _sample(samples, "stormcom_http_requests_total", method="POST", path="/graphql", status="401") == 1.0
    )
    assert (
        sum(
            v
            for (n, labels), v in samples.items()
            if n == name and ("outcome", "rejected") in labels and ("client_kind", "admin") in labels
        )
        == 1.0
    )


async def test_persisted_document_hits_and_misses_are_counted(client, make_store: MakeStore) -> None:
    a = await make_store("a")
    shop = next(d for d in load_documents() if d.name == "Shop")
    before = await _metrics(client)

    hit = await _persisted(client, a.storefront, shop.id)
    miss = await _persisted(
        client, a.storefront, hashlib.sha256(b"query Unknown { shop { name } }").hexdigest()
    )
    await _persisted(client, a.storefront, shop.id)
    after = await _metrics(client)

    assert hit.status_code == 200
    assert miss.status_code == 404
    assert _sample(before, "stormcom_persisted_documents_total", result="hit") == 0.0
    assert _sample(before, "stormcom_persisted_documents_total", result="miss") == 0.0
    assert _sample(after, "stormcom_persisted_documents_total", result="hit") == 2.0
    assert _sample(after, "stormcom_persisted_documents_total", result="miss") == 1.0


async def test_response_cache_counters_are_exported_for_every_tier_and_result(client) -> None:
    samples = await _metrics(client)

    for tier in ("memory", "redis"):
        for result in ("hit", "miss"):
            assert _sample(samples, "stormcom_response_cache_total", tier=tier, result=result) is not None


async def test_db_pool_gauges_follow_the_pool(client, make_store: MakeStore, settings: Settings) -> None:
    a = await make_store("a")
    await gql(client, a.admin, "{ viewer { name } }")

    samples = await _metrics(client)

    gauge = "stormcom_db_pool_connections"
    assert _sample(samples, gauge, pool="primary", state="size") == float(settings.db_pool_size)
    assert _sample(samples, gauge, pool="primary", state="checked_out") == 0.0
    assert (_sample(samples, gauge, pool="primary", state="idle") or 0.0) >= 1.0
    assert _sample(samples, gauge, pool="primary", state="overflow") == 0.0
    assert _sample(samples, gauge, pool="replica", state="size") is None


async def test_healthz(client) -> None:
    res = await client.get("/healthz")

    assert res.status_code == 200
    assert res.json() == {"status": "ok"}


async def test_readyz_when_both_dependencies_answer(client) -> None:
    res = await client.get("/readyz")

    assert res.status_code == 200
    assert res.json() == {"status": "ok", "checks": {"postgres": "ok", "redis": "ok"}}


async def test_readyz_is_unavailable_without_redis(settings: Settings) -> None:
    async with app_client(settings, redis_url=CLOSED_REDIS) as (client, _):
        res = await client.get("/readyz")
        alive = await client.get("/healthz")

    assert res.status_code == 503
    assert res.json() == {
        "status": "unavailable",
        "checks": {"postgres": "ok", "redis": "error: ConnectionError"},
    }
    assert alive.status_code == 200


async def test_readyz_is_unavailable_without_postgres(settings: Settings) -> None:
    closed = "postgresql+asyncpg://stormcom_app:stormcom_app@127.0.0.1:1/stormcom"
    async with app_client(settings, app_database_url=closed) as (client, _):
        res = await client.get("/readyz")

    assert res.status_code == 503
    body = res.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"] == "ok"
    assert body["checks"]["postgres"].startswith("error: ")
