"""eventGrantsSet: which event types a token receives; bad input changes nothing and emits nothing."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from resolvers.ids import decode_global_id, encode_global_id
from tests.fixtures.database import fetch, outbox, snapshot
from tests.fixtures.tenancy import MakeStore, gql

GRANTS_SET = """
mutation Grants($tokenId: ID!, $types: [String!]!) {
  eventGrantsSet(tokenId: $tokenId, types: $types) { types errors { field code } }
}"""
TOKEN_CREATE = """
mutation { apiTokenCreate(input: {name: "app", kind: PARTNER, scopes: ["events:subscribe"]}) {
  token apiToken { id } } }"""


async def _partner(client: httpx.AsyncClient, admin: str) -> str:
    body = (await gql(client, admin, TOKEN_CREATE)).json()
    return str(body["data"]["apiTokenCreate"]["apiToken"]["id"])


async def test_grants_replace_the_tokens_patterns_and_emit_an_event(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    token_id = await _partner(client, a.admin)
    res = await gql(
        client, a.admin, GRANTS_SET, {"tokenId": token_id, "types": ["order.*", "stock.updated", "order.*"]}
    )
    assert res.json()["data"]["eventGrantsSet"] == {"types": ["order.*", "stock.updated"], "errors": []}
    res = await gql(client, a.admin, GRANTS_SET, {"tokenId": token_id, "types": ["product.*"]})
    assert res.json()["data"]["eventGrantsSet"]["types"] == ["product.*"]
    token_uuid = decode_global_id(token_id, "ApiToken")
    rows = await fetch(owner_engine, "SELECT pattern FROM event_grants WHERE token_id = :t", t=token_uuid)
    assert [r["pattern"] for r in rows] == ["product.*"]
    events = [
        e
        for e in await outbox(owner_engine, a.id)
        if e["type"] == "event_grant.updated" and e["data"]["token_id"] == str(token_uuid)
    ]
    assert [e["data"]["types"] for e in events] == [["order.*", "stock.updated"], ["product.*"]]


async def test_bad_grants_change_nothing(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    token_id = await _partner(client, a.admin)
    storefronts = await fetch(
        owner_engine, "SELECT id FROM api_tokens WHERE store_id = :s AND kind = 'storefront'", s=a.id
    )
    storefront_id = storefronts[0]["id"]
    cases = [
        ({"tokenId": token_id, "types": ["Order Created"]}, "INVALID_PATTERN", a.admin),
        ({"tokenId": token_id, "types": ["order.**"]}, "INVALID_PATTERN", a.admin),
        ({"tokenId": token_id, "types": [f"t{i}" for i in range(51)]}, "INVALID", a.admin),
        ({"tokenId": encode_global_id("ApiToken", storefront_id), "types": ["*"]}, "NOT_GRANTABLE", a.admin),
        ({"tokenId": "nonsense", "types": ["*"]}, "NOT_FOUND", a.admin),
        ({"tokenId": token_id, "types": ["*"]}, "NOT_FOUND", b.admin),  # another store's token
    ]
    before = await snapshot(owner_engine, a.id)
    grants_before = await fetch(owner_engine, "SELECT * FROM event_grants ORDER BY token_id, pattern")
    for variables, code, admin in cases:
        body = (await gql(client, admin, GRANTS_SET, variables)).json()
        payload = body["data"]["eventGrantsSet"]
        assert payload["types"] is None and [e["code"] for e in payload["errors"]] == [code], (
            variables,
            body,
        )
    assert await snapshot(owner_engine, a.id) == before
    assert await fetch(owner_engine, "SELECT * FROM event_grants ORDER BY token_id, pattern") == grants_before


async def test_only_tokens_managers_set_grants(client: httpx.AsyncClient, make_store: MakeStore) -> None:
    a = await make_store("a")
    token_id = await _partner(client, a.admin)
    weak = await a.token(TokenKind.ADMIN, ["catalog:read"], "weak")
    body = (await gql(client, weak, GRANTS_SET, {"tokenId": token_id, "types": ["*"]})).json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
