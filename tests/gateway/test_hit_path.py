"""The hit path (gateway/hit_path.py): in-process hits answered before the middleware stack with the bytes,
headers and metrics the full stack gives them; everything it cannot answer gets the full stack's answer;
a purge or a revocation stops it at once, a missed revocation within the principal cache's TTL."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request

from domain.access.principal import Principal
from domain.db import Database
from gateway.logging import request_id_var
from gateway.settings import Settings
from resolvers.ids import encode_global_id
from tests.fixtures.cache import SHOP_ID, deliver, gateway_app, persisted, sha256
from tests.fixtures.database import fetch
from tests.fixtures.tenancy import GQL_RESPONSE, MakeStore, gql

REGISTER = """mutation Register($body: String!) {
  persistedDocumentRegister(body: $body) { document { sha256 } errors { code } }
}"""
SHOP_IF = "query ShopIf($full: Boolean!) { shop { name timezone @include(if: $full) } }\n"
RENAME_DOC = 'mutation Rename { shopUpdate(input: {name: "y"}) { shop { name } errors { code } } }\n'
RENAME = (
    "mutation Rename($name: String!) { shopUpdate(input: {name: $name}) { shop { name } errors { code } } }"
)
TOKEN_REVOKE = "mutation Revoke($id: ID!) { apiTokenRevoke(id: $id) { apiToken { id } errors { code } } }"
APOLLO = {"persistedQuery": {"version": 1, "sha256Hash": SHOP_ID}}


def answered(app: Starlette) -> int:
    count: int = app.state.hit_path.answered
    return count


def storefront_headers(token: str, **more: str) -> dict[str, str]:
    return {"accept": GQL_RESPONSE, "authorization": f"Bearer {token}", **more}


async def shapes(client: httpx.AsyncClient, token: str, request_id: str) -> list[httpx.Response]:
    """The Shop document by id in each shape the contract allows: Apollo's and documentId, POST and GET."""
    h = storefront_headers(token, **{"x-request-id": request_id})
    return [
        await client.post("/graphql", json={"extensions": APOLLO}, headers=h),
        await client.post("/graphql", json={"documentId": f"sha256:{SHOP_ID}"}, headers=h),
        await client.get("/graphql", params={"extensions": json.dumps(APOLLO)}, headers=h),
        await client.get("/graphql", params={"documentId": f"sha256:{SHOP_ID}"}, headers=h),
    ]


async def test_a_hit_gets_the_bytes_and_headers_the_full_stack_gives_it(
    settings: Settings, make_store: MakeStore
) -> None:
    a = await make_store("a")
    async with (
        gateway_app(settings) as (fast, fast_app),
        gateway_app(settings, response_cache_fast_path=False) as (full, full_app),
    ):
        warm = [await persisted(fast, a.storefront), await persisted(full, a.storefront)]
        before = answered(fast_app)
        from_fast = await shapes(fast, a.storefront, "req-1")
        from_full = await shapes(full, a.storefront, "req-1")
        after = answered(fast_app)

    assert full_app.state.hit_path is None
    assert [r.headers["x-cache"] for r in warm] == ["MISS", "HIT-REDIS"]
    assert after - before == 4
    for hit, reference in zip(from_fast, from_full, strict=True):
        assert hit.status_code == reference.status_code == 200
        assert hit.content == reference.content == warm[0].content
        assert hit.headers.raw == reference.headers.raw
        assert hit.headers["x-cache"] == "HIT-MEMORY"
        assert hit.headers["x-request-id"] == "req-1"


async def test_a_hit_gets_a_new_request_id_unless_it_sent_a_sensible_one(
    settings: Settings, make_store: MakeStore
) -> None:
    a = await make_store("a")
    async with gateway_app(settings) as (client, app):
        await persisted(client, a.storefront)
        before = answered(app)
        none = [await persisted(client, a.storefront) for _ in range(2)]
        odd = await persisted(client, a.storefront, headers={"x-request-id": "not a sensible id"})
        given = await persisted(client, a.storefront, headers={"x-request-id": "edge:42.a_b-c"})

    assert answered(app) - before == 4
    ids = [r.headers["x-request-id"] for r in (*none, odd)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert len(set(ids)) == 3
    assert given.headers["x-request-id"] == "edge:42.a_b-c"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_a_hit_counts_in_the_metrics_as_the_full_stack_counts_it(
    settings: Settings, make_store: MakeStore
) -> None:
    a = await make_store("a")
    async with (
        gateway_app(settings) as (fast, fast_app),
        gateway_app(settings, response_cache_fast_path=False) as (full, _),
    ):
        for client in (fast, full):
            for _ in range(3):
                await persisted(client, a.storefront)
        assert answered(fast_app) == 2
        scraped = [_samples((await c.get("/metrics")).text) for c in (fast, full)]

    wanted = [
        ("stormcom_http_requests_total", (("method", "POST"), ("path", "/graphql"), ("status", "200"))),
        (
            "stormcom_graphql_requests_total",
            (("client_kind", "storefront"), ("operation", "Shop"), ("outcome", "ok")),
        ),
        ("stormcom_graphql_request_seconds_count", (("client_kind", "storefront"), ("operation", "Shop"))),
        ("stormcom_persisted_documents_total", (("result", "hit"),)),
        ("stormcom_response_cache_total", (("result", "hit"), ("tier", "memory"))),
        ("stormcom_response_cache_total", (("result", "miss"), ("tier", "memory"))),
    ]
    fast_counts, full_counts = ([s.get(w) for w in wanted] for s in scraped)
    assert fast_counts == full_counts == [3.0, 3.0, 3.0, 3.0, 2.0, 1.0]


async def test_what_the_hit_path_cannot_answer_gets_the_full_stacks_answer(
    settings: Settings, make_store: MakeStore
) -> None:
    a = await make_store("a")
    sf = storefront_headers(a.storefront)
    async with gateway_app(settings) as (client, app):
        registered = await gql(client, a.admin, REGISTER, {"body": RENAME_DOC})
        assert registered.json()["data"]["persistedDocumentRegister"]["errors"] == []
        rename = {"persistedQuery": {"version": 1, "sha256Hash": sha256(RENAME_DOC)}}
        # The Shop answer is in memory: a request the hit path wrongly took would get it.
        await persisted(client, a.storefront)
        assert (await persisted(client, a.storefront)).headers["x-cache"] == "HIT-MEMORY"
        before = answered(app)
        got = {
            "admin token": await persisted(client, a.admin),
            "unknown token": await persisted(client, "stc_sf_" + "x" * 43),
            "no token": await client.post(
                "/graphql", json={"extensions": APOLLO}, headers={"accept": GQL_RESPONSE}
            ),
            "unknown id": await persisted(client, a.storefront, sha256("query Nothing { shop { name } }")),
            "raw query": await client.post("/graphql", json={"query": "{ shop { name } }"}, headers=sf),
            "query not matching its id": await client.post(
                "/graphql", json={"query": "{ shop { name } }", "extensions": APOLLO}, headers=sf
            ),
            "malformed documentId": await client.post(
                "/graphql", json={"documentId": "sha256:12"}, headers=sf
            ),
            "not JSON": await client.post(
                "/graphql", content=b"{nope", headers={**sf, "content-type": "application/json"}
            ),
            "not a JSON type": await client.post(
                "/graphql",
                content=json.dumps({"extensions": APOLLO}),
                headers={**sf, "content-type": "text/plain"},
            ),
            "nothing acceptable": await persisted(client, a.storefront, headers={"accept": "text/html"}),
            "PUT": await client.put("/graphql", json={"extensions": APOLLO}, headers=sf),
            "mutation over GET": await client.get(
                "/graphql", params={"extensions": json.dumps(rename)}, headers=sf
            ),
            "mutation over POST": await client.post("/graphql", json={"extensions": rename}, headers=sf),
        }
        after = answered(app)

    assert after == before
    outcome = {
        case: (r.status_code, r.headers.get("x-cache") or r.json()["errors"][0]["extensions"]["code"])
        for case, r in got.items()
        if case not in ("nothing acceptable", "PUT")
    }
    assert outcome == {
        "admin token": (200, "BYPASS"),
        "unknown token": (401, "UNAUTHENTICATED"),
        "no token": (401, "UNAUTHENTICATED"),
        "unknown id": (404, "PERSISTED_QUERY_NOT_IN_LIST"),
        "raw query": (400, "PERSISTED_QUERY_ID_REQUIRED"),
        "query not matching its id": (400, "PERSISTED_QUERY_HASH_MISMATCH"),
        "malformed documentId": (400, "PERSISTED_QUERY_INVALID"),
        "not JSON": (400, "BAD_REQUEST"),
        "not a JSON type": (415, "UNSUPPORTED_MEDIA_TYPE"),
        "mutation over GET": (405, "METHOD_NOT_ALLOWED"),
        "mutation over POST": (200, "BYPASS"),
    }
    assert got["nothing acceptable"].status_code == 406
    assert got["PUT"].status_code == 405
    assert all(r.headers.get("x-request-id") for r in got.values())


async def _chunks(body: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def test_a_body_in_pieces_is_read_whole_and_a_large_one_is_handed_on_intact(
    settings: Settings, make_store: MakeStore
) -> None:
    a = await make_store("a")
    sf = {**storefront_headers(a.storefront), "content-type": "application/json"}
    small = json.dumps({"extensions": APOLLO}).encode()
    # Unknown members are ignored, so this is the same request, only past the hit path's body limit.
    large = json.dumps({"extensions": APOLLO, "padding": "x" * 20_000}).encode()
    async with gateway_app(settings) as (client, app):
        first = await persisted(client, a.storefront)
        before = answered(app)
        pieces = await client.post("/graphql", content=_chunks(small, 7), headers=sf)
        in_between = answered(app)
        handed_on = await client.post("/graphql", content=_chunks(large, 4096), headers=sf)

    assert (in_between - before, answered(app) - in_between) == (1, 0)
    assert pieces.headers["x-cache"] == handed_on.headers["x-cache"] == "HIT-MEMORY"
    assert pieces.content == handed_on.content == first.content


async def test_without_the_purge_subscription_the_hit_path_answers_nothing(
    settings: Settings, make_store: MakeStore
) -> None:
    a = await make_store("a")
    async with gateway_app(settings) as (client, app):
        cache = app.state.gateway.cache
        await persisted(client, a.storefront)
        before = answered(app)
        cache.subscription_down()
        down = await persisted(client, a.storefront)
        cache.subscription_up()

    assert answered(app) == before
    assert down.status_code == 200
    assert down.headers["x-cache"] == "HIT-REDIS"


async def test_a_purge_received_stops_the_hit_path_at_once(
    settings: Settings, make_store: MakeStore, db: Database, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    async with gateway_app(settings) as (client, app):
        state = app.state.gateway
        await persisted(client, a.storefront)
        res = await gql(client, a.admin, RENAME, {"name": "Renamed a"})
        assert res.json()["data"]["shopUpdate"]["errors"] == []
        before = answered(app)
        stale = await persisted(client, a.storefront)  # the purge is not delivered yet
        seen = state.subscriber.received
        await deliver(db, owner_engine, a.id, "store.updated")
        async with asyncio.timeout(30):
            await state.subscriber.wait_received(seen + 1)
        fresh = await persisted(client, a.storefront)
        after = answered(app)

    assert after - before == 1  # the stale answer; not the one after the purge
    assert stale.json()["data"]["shop"]["name"] == "Store a"
    assert fresh.headers["x-cache"] == "MISS"
    assert fresh.json()["data"]["shop"]["name"] == "Renamed a"


async def test_a_revoked_token_whose_purge_is_missed_is_refused_once_its_principal_expires(
    settings: Settings, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    (row,) = await fetch(owner_engine, "SELECT id FROM api_tokens WHERE prefix = :p", p=a.storefront[:12])
    now = [1000.0]
    async with gateway_app(settings) as (client, app):
        principals = app.state.gateway.principals
        principals.clock = lambda: now[0]
        await persisted(client, a.storefront)
        revoked = await gql(client, a.admin, TOKEN_REVOKE, {"id": encode_global_id("ApiToken", row["id"])})
        # Its `api_token.revoked` event is never delivered: no purge reaches this process.
        before = answered(app)
        now[0] += principals.ttl - 0.01
        within_the_bound = await persisted(client, a.storefront)
        served = answered(app) - before
        now[0] += 0.02
        past_the_bound = await persisted(client, a.storefront)

    assert revoked.json()["data"]["apiTokenRevoke"]["errors"] == []
    assert principals.ttl == settings.principal_cache_ttl_seconds == 30
    assert (within_the_bound.status_code, within_the_bound.headers["x-cache"], served) == (
        200,
        "HIT-MEMORY",
        1,
    )
    assert past_the_bound.status_code == 401


async def test_vary_hooks_are_part_of_the_hit_paths_key(settings: Settings, make_store: MakeStore) -> None:
    a = await make_store("a")

    def group(request: Request, principal: Principal) -> str:
        return request.headers.get("x-customer-group", "")

    async with gateway_app(settings) as (client, app):
        app.state.gateway.cache.vary.append(group)
        first = [await persisted(client, a.storefront, headers={"x-customer-group": g}) for g in "ab"]
        before = answered(app)
        again = [await persisted(client, a.storefront, headers={"x-customer-group": g}) for g in "ab"]

    assert [r.headers["x-cache"] for r in first] == ["MISS", "MISS"]
    assert [r.headers["x-cache"] for r in again] == ["HIT-MEMORY", "HIT-MEMORY"]
    assert answered(app) - before == 2
    assert len(app.state.hit_path) == 0  # with hooks nothing is remembered: the key is worked out every time


async def test_remembered_requests_are_bounded_and_each_still_gets_its_own_answer(
    settings: Settings, make_store: MakeStore
) -> None:
    a = await make_store("a")
    async with gateway_app(settings) as (client, app):
        app.state.hit_path.remembered = 2
        await gql(client, a.admin, REGISTER, {"body": SHOP_IF})
        requests: list[tuple[str, dict[str, Any] | None]] = [
            (SHOP_ID, None),
            (sha256(SHOP_IF), {"full": True}),
            (sha256(SHOP_IF), {"full": False}),
        ]
        first = [await persisted(client, a.storefront, d, v) for d, v in requests]
        before = answered(app)
        again = [await persisted(client, a.storefront, d, v) for d, v in requests * 2]
        remembered = len(app.state.hit_path)

    assert answered(app) - before == 6
    assert remembered <= 2
    assert [r.content for r in again] == [r.content for r in first] * 2
    assert "timezone" in first[1].json()["data"]["shop"]
    assert "timezone" not in first[2].json()["data"]["shop"]


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[tuple[str, dict[str, Any]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        fields = {k: getattr(record, k, None) for k in ("method", "path", "status")}
        self.lines.append((request_id_var.get(), fields))


async def test_with_info_logging_a_hit_writes_the_access_line_the_full_stack_writes(
    settings: Settings, make_store: MakeStore
) -> None:
    a = await make_store("a")
    access = logging.getLogger("stormcom.access")
    lines = _Lines()
    async with (
        gateway_app(settings) as (fast, fast_app),
        gateway_app(settings, response_cache_fast_path=False) as (full, _),
    ):
        await persisted(fast, a.storefront)
        await persisted(full, a.storefront)
        access.addHandler(lines)
        level = access.level
        access.setLevel(logging.INFO)
        try:
            before = answered(fast_app)
            await persisted(fast, a.storefront, headers={"x-request-id": "fast-1"})
            assert answered(fast_app) == before + 1
            await persisted(full, a.storefront, headers={"x-request-id": "full-1"})
        finally:
            access.setLevel(level)
            access.removeHandler(lines)

    expected = {"method": "POST", "path": "/graphql", "status": 200}
    assert lines.lines == [("fast-1", expected), ("full-1", expected)]
