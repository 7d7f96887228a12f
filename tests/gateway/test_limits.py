"""Static limits (depth, aliases, tokens, cost) refuse a document before any resolver runs; the per-token
leaky bucket throttles, restores, and fails open when Redis is down."""

from __future__ import annotations

import asyncio
import types
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from gateway import limits
from gateway.settings import Settings
from tests.fixtures.apps import CLOSED_REDIS, app_client
from tests.fixtures.database import audit, outbox, snapshot
from tests.fixtures.tenancy import MakeStore, gql

DEEP_MUTATION = (
    'mutation { apiTokenCreate(input: {name: "deep", kind: ADMIN}) { apiToken { role { name } } } }'
)
ROLE_CREATE_ALIASED = "mutation {{ {fields} }}"
TOKENS_PAGE = "{{ apiTokens{args} {{ edges {{ node {{ role {{ permissions }} }} }} }} }}"
SHOP = "{ shop { name } }"
REGISTER = """
mutation Register($body: String!) {
  persistedDocumentRegister(body: $body) { document { id } errors { field code } }
}"""


def _aliased_role_creates(n: int) -> str:
    fields = " ".join(f'r{i}: roleCreate(input: {{name: "r{i}"}}) {{ role {{ id }} }}' for i in range(n))
    return ROLE_CREATE_ALIASED.format(fields=fields)


def _error(res: Any) -> tuple[str, str]:
    (error,) = res.json()["errors"]
    return error["extensions"]["code"], error["message"]


async def _nothing_written(owner_engine: AsyncEngine, store_id: Any, before: dict[str, list[str]]) -> None:
    assert await snapshot(owner_engine, store_id) == before
    assert await audit(owner_engine, store_id) == []


async def _bucket_untouched(redis: Redis) -> None:
    assert [k for k in await redis.keys("*") if b":cost:" in k] == []


async def test_depth_limit_refuses_before_any_resolver(
    make_store: MakeStore, settings: Settings, owner_engine: AsyncEngine, redis: Redis
) -> None:
    a = await make_store("a")
    before = await snapshot(owner_engine, a.id)

    async with app_client(settings, max_depth=3) as (client, _):
        res = await gql(client, a.admin, DEEP_MUTATION)

    assert res.status_code == 400
    assert "data" not in res.json()
    assert _error(res) == ("MAX_DEPTH_LIMIT", "query depth 4 exceeds the limit of 3")
    await _nothing_written(owner_engine, a.id, before)
    await _bucket_untouched(redis)


async def test_alias_limit_refuses_before_any_resolver(
    client, make_store: MakeStore, owner_engine: AsyncEngine, redis: Redis
) -> None:
    a = await make_store("a")
    before = await snapshot(owner_engine, a.id)

    res = await gql(client, a.admin, _aliased_role_creates(31))

    assert res.status_code == 400
    assert _error(res) == ("MAX_ALIASES_LIMIT", "31 aliases exceed the limit of 30")
    await _nothing_written(owner_engine, a.id, before)
    await _bucket_untouched(redis)


async def test_thirty_aliases_are_allowed(client, make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    a = await make_store("a")

    res = await gql(client, a.admin, _aliased_role_creates(30))

    assert res.status_code == 200
    assert len(res.json()["data"]) == 30
    assert len(await audit(owner_engine, a.id)) == 30


async def test_token_limit_refuses_before_any_resolver(
    client, make_store: MakeStore, owner_engine: AsyncEngine, redis: Redis
) -> None:
    a = await make_store("a")
    before = await snapshot(owner_engine, a.id)
    permissions = ", ".join(['"orders:read"'] * 2000)

    res = await gql(
        client,
        a.admin,
        f'mutation {{ roleCreate(input: {{name: "big", permissions: [{permissions}]}})'
        " { role { id } } }",
    )

    assert res.status_code == 400
    assert _error(res) == (
        "MAX_TOKENS_LIMIT",
        "Syntax Error: Document contains more than 2000 tokens. Parsing aborted.",
    )
    await _nothing_written(owner_engine, a.id, before)
    await _bucket_untouched(redis)


async def test_connections_multiply_cost_by_page_size_until_too_costly(
    client, make_store: MakeStore, redis: Redis
) -> None:
    # given four aliased pages of 100 tokens, each with its role: 4 * (1 + 100 * (1 + 1 + 1)) = 1204
    a = await make_store("a")
    page = "edges { node { role { permissions } } }"
    costly = "{ " + " ".join(f"p{i}: apiTokens(first: 100) {{ {page} }}" for i in range(4)) + " }"

    res = await gql(client, a.admin, costly)

    assert res.status_code == 400
    assert _error(res) == ("QUERY_TOO_COSTLY", "query cost 1204 exceeds the limit of 1000")
    await _bucket_untouched(redis)
    # three of them (903) are within the limit
    three = "{ " + " ".join(f"p{i}: apiTokens(first: 100) {{ {page} }}" for i in range(3)) + " }"
    ok = await gql(client, a.admin, three)
    assert ok.status_code == 200
    assert ok.json()["extensions"]["cost"]["requestedQueryCost"] == 903


async def test_too_costly_mutation_runs_no_resolver(
    make_store: MakeStore, settings: Settings, owner_engine: AsyncEngine
) -> None:
    # roleCreate costs 10 as a mutation, plus 1 for its payload and 1 for `role`
    a = await make_store("a")
    before = await snapshot(owner_engine, a.id)

    async with app_client(settings, max_cost=11) as (client, _):
        res = await gql(client, a.admin, _aliased_role_creates(1))

    assert _error(res) == ("QUERY_TOO_COSTLY", "query cost 12 exceeds the limit of 11")
    await _nothing_written(owner_engine, a.id, before)


@pytest.mark.parametrize(
    ("args", "cost"), [("(first: 10)", 31), ("(first: 100)", 301), ("", 61), ("(first: 0)", 1)]
)
async def test_admin_responses_report_cost_and_throttle_status(
    client, make_store: MakeStore, args: str, cost: int
) -> None:
    a = await make_store("a")

    res = await gql(client, a.admin, TOKENS_PAGE.format(args=args))

    assert res.status_code == 200
    assert res.json()["extensions"] == {
        "cost": {
            "requestedQueryCost": cost,
            "actualQueryCost": cost,
            "throttleStatus": {
                "maximumAvailable": 2000.0,
                "currentlyAvailable": 2000.0 - cost,
                "restoreRate": 100.0,
            },
        }
    }


class _Clock:
    """Stands in for the `time` module inside gateway.limits, so the bucket's restore needs no sleeping."""

    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def time(self) -> float:
        return self.now


async def test_bucket_throttles_then_restores(
    make_store: MakeStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a bucket of 40 points restoring 100 a second, and a query costing 31
    a = await make_store("a")
    other = await a.token(TokenKind.ADMIN, ["tokens:manage"], name="other")
    clock = _Clock()
    monkeypatch.setattr(limits, "time", types.SimpleNamespace(time=clock.time))
    query = TOKENS_PAGE.format(args="(first: 10)")

    async with app_client(settings, cost_bucket_size=40, cost_restore_rate=100) as (client, _):
        # when the token spends 31, then asks for 31 more at once
        first = await gql(client, a.admin, query)
        throttled = await gql(client, a.admin, query)
        # another token of the same store has its own bucket
        neighbour = await gql(client, other, query)
        # and a quarter of a second later, 25 points have flowed back
        clock.now += 0.25
        restored = await gql(client, a.admin, query)

    assert first.status_code == 200
    assert first.json()["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 9.0
    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == "1"
    assert throttled.json() == {
        "errors": [
            {
                "message": "the token's cost budget is spent; retry shortly",
                "extensions": {"code": "THROTTLED"},
            }
        ],
        "extensions": {
            "cost": {
                "requestedQueryCost": 31,
                "actualQueryCost": 0,
                "throttleStatus": {"maximumAvailable": 40.0, "currentlyAvailable": 9.0, "restoreRate": 100.0},
            }
        },
    }
    assert neighbour.status_code == 200
    assert restored.status_code == 200
    assert restored.json()["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 3.0


async def test_bucket_restores_in_real_time(make_store: MakeStore, settings: Settings) -> None:
    # given a bucket exactly as big as the query, restoring fast (1000 points a second)
    a = await make_store("a")
    query = TOKENS_PAGE.format(args="(first: 10)")

    async with app_client(settings, cost_bucket_size=31, cost_restore_rate=1000) as (client, _):
        first = await gql(client, a.admin, query)
        await asyncio.sleep(0.1)
        second = await gql(client, a.admin, query)

    # then the empty bucket refilled (to its cap, no more) within a tenth of a second
    assert first.json()["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 0.0
    assert second.status_code == 200
    assert second.json()["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 0.0


async def test_throttled_mutation_runs_no_resolver(
    make_store: MakeStore, settings: Settings, owner_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = await make_store("a")
    monkeypatch.setattr(limits, "time", types.SimpleNamespace(time=_Clock().time))

    async with app_client(settings, cost_bucket_size=12, cost_restore_rate=1) as (client, _):
        first = await gql(client, a.admin, _aliased_role_creates(1))
        before = await snapshot(owner_engine, a.id)
        audit_before = await audit(owner_engine, a.id)
        second = await gql(client, a.admin, 'mutation { roleCreate(input: {name: "late"}) { role { id } } }')

    assert first.status_code == 200
    assert second.status_code == 429
    assert _error(second)[0] == "THROTTLED"
    assert await snapshot(owner_engine, a.id) == before
    assert await audit(owner_engine, a.id) == audit_before


async def test_requests_fail_open_when_redis_is_down(
    make_store: MakeStore, settings: Settings, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    events = len(await outbox(owner_engine, a.id))

    async with app_client(settings, redis_url=CLOSED_REDIS) as (client, _):
        read = await gql(client, a.admin, SHOP)
        write = await gql(client, a.admin, _aliased_role_creates(1))

    assert read.status_code == 200
    assert read.json() == {
        "data": {"shop": {"name": "Store a"}},
        "extensions": {"cost": {"requestedQueryCost": 1, "actualQueryCost": 1}},
    }
    assert write.status_code == 200
    assert write.json()["data"]["r0"]["role"] is not None
    assert len(await outbox(owner_engine, a.id)) == events + 1


async def test_admin_may_introspect_outside_production(client, make_store: MakeStore) -> None:
    a = await make_store("a")

    res = await gql(client, a.admin, "{ __schema { queryType { name } mutationType { name } } }")

    assert res.json()["data"] == {
        "__schema": {"queryType": {"name": "Query"}, "mutationType": {"name": "Mutation"}}
    }


async def test_introspection_is_refused_in_production(make_store: MakeStore, settings: Settings) -> None:
    a = await make_store("a")

    async with app_client(settings, environment="production") as (client, _):
        res = await gql(client, a.admin, "{ __schema { queryType { name } } }")

    assert res.status_code == 400
    assert "data" not in res.json()
    first_error = res.json()["errors"][0]
    assert (first_error["extensions"]["code"], first_error["message"]) == (
        "GRAPHQL_VALIDATION_FAILED",
        "GraphQL introspection has been disabled, but the requested query contained the field '__schema'.",
    )


@pytest.mark.parametrize(
    "body",
    [
        "query Schema { __schema { queryType { name } } }",
        'query Type { __type(name: "ApiToken") { fields { name } } }',
        "query Sneaky { shop { name } ...F } fragment F on Query { __schema { types { name } } }",
    ],
)
async def test_persisted_documents_may_not_introspect(
    client, make_store: MakeStore, owner_engine: AsyncEngine, body: str
) -> None:
    a = await make_store("a")
    before = await snapshot(owner_engine, a.id)

    res = await gql(
        client,
        a.admin,
        REGISTER,
        {"body": body},
    )

    payload = res.json()["data"]["persistedDocumentRegister"]
    assert payload["document"] is None
    assert {(e["field"], e["code"]) for e in payload["errors"]} == {("body", "INVALID_DOCUMENT")}
    assert await snapshot(owner_engine, a.id) == before
