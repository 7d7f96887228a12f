"""Inventory reads over the admin API (`inventory:read`): stock per location with reservations, and the
ledger page by page."""

from __future__ import annotations

from typing import Any

import httpx

from domain.access.models import TokenKind
from domain.inventory.reservations import reserve
from resolvers.ids import encode_global_id
from tests.fixtures.catalog_admin import call
from tests.fixtures.database import statements
from tests.fixtures.orders import sellable
from tests.fixtures.tenancy import MakeStore, gql

ADJUST = """
mutation A($v: ID!, $d: Int!, $l: String!) {
  inventoryAdjust(variantId: $v, delta: $d, reason: RECEIVED, location: $l, note: "delivery") {
    onHand errors { code }
  }
}"""
LEVELS = """
query L($ids: [ID!]!) {
  inventoryLevels(variantIds: $ids) {
    variantId tracked policy onHand reserved available locations { location onHand }
  }
}"""
LEDGER = """
query G($v: ID!, $first: Int!, $after: String) {
  inventoryLedger(variantId: $v, first: $first, after: $after) {
    entries { location delta reason balanceAfter note actor } endCursor hasNextPage
  }
}"""


async def _query(client: httpx.AsyncClient, token: str, doc: str, variables: dict[str, Any]) -> Any:
    body = (await gql(client, token, doc, variables)).json()
    assert "errors" not in body, body
    (value,) = body["data"].values()
    return value


async def test_levels_show_locations_and_reservations(
    client: httpx.AsyncClient, make_store: MakeStore
) -> None:
    store, other = await make_store("a"), await make_store("b")
    item = await sellable(store, on_hand=4)
    theirs = await sellable(other, on_hand=9)
    vid = encode_global_id("ProductVariant", item.variant_id)
    await call(client, store.admin, ADJUST, {"v": vid, "d": 6, "l": "chattogram"})
    async with store.uow() as uow:
        await reserve(uow, [(item.variant_id, 3)], holder="cart:x")
        await uow.commit()
    reader = await store.token(TokenKind.ADMIN, ["inventory:read"])
    ids = [vid, encode_global_id("ProductVariant", theirs.variant_id), "not-an-id"]

    (level,) = await _query(client, reader, LEVELS, {"ids": ids})

    assert level == {
        "variantId": vid,
        "tracked": True,
        "policy": "DENY",
        "onHand": 10,
        "reserved": 3,
        "available": 7,
        "locations": [{"location": "chattogram", "onHand": 6}, {"location": "default", "onHand": 4}],
    }


async def test_levels_take_two_statements_for_one_variant_or_many(
    client: httpx.AsyncClient, make_store: MakeStore, app: Any
) -> None:
    store = await make_store()
    items = [await sellable(store, on_hand=i + 1) for i in range(8)]
    ids = [encode_global_id("ProductVariant", i.variant_id) for i in items]
    engine = app.state.gateway.db.primary
    with statements(engine) as one:
        assert len(await _query(client, store.admin, LEVELS, {"ids": ids[:1]})) == 1
    with statements(engine) as eight:
        got = await _query(client, store.admin, LEVELS, {"ids": ids})
    assert [g["onHand"] for g in got] == list(range(1, 9))
    assert len(one) == len(eight), (one, eight)


async def test_the_ledger_pages_newest_first_and_needs_the_read_scope(
    client: httpx.AsyncClient, make_store: MakeStore
) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=1)
    vid = encode_global_id("ProductVariant", item.variant_id)
    for delta in (2, 3, 4):
        await call(client, store.admin, ADJUST, {"v": vid, "d": delta, "l": "default"})

    first = await _query(client, store.admin, LEDGER, {"v": vid, "first": 2})
    assert [(e["delta"], e["balanceAfter"]) for e in first["entries"]] == [(4, 10), (3, 6)]
    assert first["hasNextPage"] is True and first["entries"][0]["actor"].startswith("token:")
    rest = await _query(client, store.admin, LEDGER, {"v": vid, "first": 2, "after": first["endCursor"]})
    assert [(e["delta"], e["reason"]) for e in rest["entries"]] == [(2, "RECEIVED"), (1, "RECEIVED")]
    assert rest["hasNextPage"] is False

    for variables in ({"v": vid, "first": 0}, {"v": vid, "first": 2, "after": "%%"}):
        body = (await gql(client, store.admin, LEDGER, variables)).json()
        assert body["errors"][0]["extensions"]["code"] == "INVALID", body
    writer_only = await store.token(TokenKind.ADMIN, ["inventory:write"])
    body = (await gql(client, writer_only, LEDGER, {"v": vid, "first": 2})).json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
