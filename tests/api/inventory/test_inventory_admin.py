"""Inventory over the admin API: adjustments through the ledger, per-variant policy and threshold."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from resolvers.ids import encode_global_id
from tests.fixtures.catalog_admin import call, codes
from tests.fixtures.database import count, fetch, outbox
from tests.fixtures.orders import ledger_mismatches, sellable
from tests.fixtures.tenancy import MakeStore, gql

ADJUST = """
mutation A($v: ID!, $d: Int!, $r: InventoryAdjustmentReason!, $l: String!) {
  inventoryAdjust(variantId: $v, delta: $d, reason: $r, location: $l, note: "count") {
    onHand errors { field code message }
  }
}"""
SETTINGS = """
mutation S($v: ID!, $p: InventoryPolicy!, $t: Int) {
  inventoryItemUpdate(variantId: $v, policy: $p, lowStockThreshold: $t) {
    item { variantId policy lowStockThreshold } errors { field code }
  }
}"""


async def test_adjustments_and_settings(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=4)
    vid = encode_global_id("ProductVariant", item.variant_id)
    got = await call(client, store.admin, SETTINGS, {"v": vid, "p": "BACKORDER", "t": 2})
    assert got["item"] == {"variantId": vid, "policy": "BACKORDER", "lowStockThreshold": 2}
    got = await call(client, store.admin, ADJUST, {"v": vid, "d": 6, "r": "RECEIVED", "l": "chattogram"})
    assert got == {"onHand": 6, "errors": []}
    got = await call(client, store.admin, ADJUST, {"v": vid, "d": -3, "r": "DAMAGED", "l": "default"})
    assert got == {"onHand": 1, "errors": []}
    assert await ledger_mismatches(owner_engine, store.id) == []
    # the stock received (fixture and test) and damaged; on-hand 10 -> 7 in all stays over the threshold 2
    types = [e["type"] for e in await outbox(owner_engine, store.id)]
    assert types.count("inventory.adjusted") == 3 and "inventory.low_stock" not in types
    rows = await fetch(
        owner_engine, "SELECT reason, actor, note FROM inventory_adjustments WHERE note = 'count'"
    )
    assert {r["reason"] for r in rows} == {"received", "damaged"}
    assert all(r["actor"].startswith("token:") for r in rows)


async def test_bad_adjustments_change_nothing(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store, other = await make_store("a"), await make_store("b")
    item = await sellable(store, on_hand=2)
    theirs = await sellable(other, on_hand=2)
    vid = encode_global_id("ProductVariant", item.variant_id)
    before = (await count(owner_engine, "inventory_adjustments"), len(await outbox(owner_engine, store.id)))
    cases = [
        ({"v": vid, "d": -3, "r": "DAMAGED", "l": "default"}, [("quantity", "NEGATIVE_STOCK")]),
        ({"v": vid, "d": 0, "r": "RECEIVED", "l": "default"}, [("delta", "INVALID_QUANTITY")]),
        ({"v": vid, "d": -1, "r": "SOLD", "l": "default"}, [("reason", "INVALID")]),
        ({"v": vid, "d": 1, "r": "RECEIVED", "l": " "}, [("location", "INVALID")]),
        (
            {
                "v": encode_global_id("ProductVariant", theirs.variant_id),
                "d": 1,
                "r": "RECEIVED",
                "l": "default",
            },
            [("variantId", "NOT_FOUND")],
        ),
    ]
    for variables, expected in cases:
        got = await call(client, store.admin, ADJUST, variables)
        assert (got["onHand"], codes(got)) == (None, expected), variables
    got = await call(client, store.admin, SETTINGS, {"v": vid, "p": "DENY", "t": -1})
    assert codes(got) == [("lowStockThreshold", "INVALID")]
    after = (await count(owner_engine, "inventory_adjustments"), len(await outbox(owner_engine, store.id)))
    assert after == before
    reader = await store.token(TokenKind.ADMIN, ["inventory:read"])
    body = (await gql(client, reader, ADJUST, {"v": vid, "d": 1, "r": "RECEIVED", "l": "default"})).json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
