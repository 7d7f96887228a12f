"""Orders over the admin API: list with filters, by number and id, timeline, cancel/confirm/note, errors."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from domain.orders.models import Order
from domain.orders.placement import place_order
from resolvers.ids import encode_global_id
from tests.fixtures.catalog_admin import call, codes
from tests.fixtures.database import fetch, outbox, statements
from tests.fixtures.orders import Sellable, draft, sellable
from tests.fixtures.tenancy import MakeStore, StoreFixture, gql

FIELDS = """
id number status paymentStatus currency total { amount currency } shippingTotal { amount }
email shippingAddress { name phone district division upazila } shipping { code name amount { amount } }
lines { sku title quantity unitPrice { amount } total { amount } }
timeline { kind actor requestId message }
"""
LIST = """
query L($first: Int, $after: String, $filter: OrderFilterInput) {
  orders(first: $first, after: $after, filter: $filter) {
    edges { node { number status } } pageInfo { hasNextPage endCursor }
  }
}"""
# A literal page size keeps the cost of the full selection under the limit.
DETAIL = f"query D {{ orders(first: 20) {{ edges {{ node {{ {FIELDS} }} }} }} }}"
BY_NUMBER = f"query N($n: Int!) {{ orderByNumber(number: $n) {{ {FIELDS} }} }}"
NODE = "query N($id: ID!) { node(id: $id) { ... on Order { number status } } }"
CANCEL = """
mutation C($id: ID!, $reason: String!) {
  orderCancel(id: $id, reason: $reason) { order { status cancelReason } errors { field code message } }
}"""
CONFIRM = "mutation C($id: ID!) { orderConfirm(id: $id) { order { status } errors { field code } } }"
NOTE = """
mutation C($id: ID!, $note: String!) {
  orderNoteAdd(id: $id, note: $note) { order { timeline { kind message actor } } errors { field code } }
}"""


async def _orders(store: StoreFixture, item: Sellable, n: int, **kwargs: Any) -> list[Order]:
    out = []
    for _ in range(n):
        async with store.uow(correlation_id="req-place") as uow:
            out.append(await place_order(uow, draft([(item, 1)], **kwargs), actor="guest"))
            await uow.commit()
    return out


async def test_orders_are_listed_newest_first_with_lines_and_timeline(
    client: httpx.AsyncClient, make_store: MakeStore
) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=10, price=120_000)
    await _orders(store, item, 3)
    body = (await gql(client, store.admin, LIST, {"first": 2})).json()
    conn = body["data"]["orders"]
    assert [e["node"]["number"] for e in conn["edges"]] == [3, 2]
    detail = (await gql(client, store.admin, DETAIL)).json()
    assert "errors" not in detail, detail
    first = detail["data"]["orders"]["edges"][0]["node"]
    assert first["total"] == {"amount": 126_000, "currency": "BDT"}
    assert first["shippingAddress"]["district"] == "Dhaka"
    assert first["lines"] == [
        {
            "sku": item.sku,
            "title": "Jamdani saree",
            "quantity": 1,
            "unitPrice": {"amount": 120_000},
            "total": {"amount": 120_000},
        }
    ]
    assert [(t["kind"], t["actor"], t["requestId"]) for t in first["timeline"]] == [
        ("placed", "guest", "req-place")
    ]
    rest = (await gql(client, store.admin, LIST, {"first": 2, "after": conn["pageInfo"]["endCursor"]})).json()
    assert [e["node"]["number"] for e in rest["data"]["orders"]["edges"]] == [1]
    assert rest["data"]["orders"]["pageInfo"]["hasNextPage"] is False


async def test_filters_by_status_and_search(client: httpx.AsyncClient, make_store: MakeStore) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=10)
    orders = await _orders(store, item, 2)
    await _orders(store, item, 1, email="Other@Example.com")
    payload = await call(
        client, store.admin, CANCEL, {"id": encode_global_id("Order", orders[0].id), "reason": "test"}
    )
    assert payload["errors"] == []

    async def numbers(f: dict[str, Any]) -> list[int]:
        body = (await gql(client, store.admin, LIST, {"filter": f})).json()
        return [e["node"]["number"] for e in body["data"]["orders"]["edges"]]

    assert await numbers({"status": ["CANCELLED"]}) == [1]
    assert await numbers({"status": ["PENDING"], "paymentStatus": ["UNPAID"]}) == [3, 2]
    assert await numbers({"search": "#2"}) == [2]
    assert await numbers({"search": "other@example.com"}) == [3]
    by_number = (await gql(client, store.admin, BY_NUMBER, {"n": 2})).json()["data"]["orderByNumber"]
    assert by_number["number"] == 2
    node = (await gql(client, store.admin, NODE, {"id": encode_global_id("Order", orders[1].id)})).json()
    assert node["data"]["node"] == {"number": 2, "status": "PENDING"}


async def test_cancel_confirm_and_note_over_the_api(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=3)
    [order, other] = await _orders(store, item, 2)
    gid = encode_global_id("Order", order.id)
    assert (await call(client, store.admin, CONFIRM, {"id": gid}))["order"]["status"] == "CONFIRMED"
    noted = await call(client, store.admin, NOTE, {"id": gid, "note": "Rider called"})
    assert noted["order"]["timeline"][-1]["kind"] == "note"
    assert noted["order"]["timeline"][-1]["actor"].startswith("token:")
    cancelled = await call(client, store.admin, CANCEL, {"id": gid, "reason": "out of area"})
    assert cancelled["order"] == {"status": "CANCELLED", "cancelReason": "out of area"}
    rows = await fetch(
        owner_engine, "SELECT on_hand FROM stock_levels WHERE variant_id = :v", v=item.variant_id
    )
    assert [r["on_hand"] for r in rows] == [2]
    # an invalid transition is a payload error that changes nothing and writes no event
    before = len(await outbox(owner_engine, store.id))
    again = await call(client, store.admin, CONFIRM, {"id": gid})
    assert again["order"] is None and codes(again) == [("status", "INVALID_TRANSITION")]
    empty = await call(client, store.admin, NOTE, {"id": encode_global_id("Order", other.id), "note": " "})
    assert codes(empty) == [("note", "INVALID")]
    nul = await call(client, store.admin, NOTE, {"id": encode_global_id("Order", other.id), "note": "a\x00b"})
    assert codes(nul) == [("note", "INVALID")]
    nul = await call(
        client, store.admin, CANCEL, {"id": encode_global_id("Order", other.id), "reason": "\x00"}
    )
    assert codes(nul) == [("reason", "INVALID")]
    assert len(await outbox(owner_engine, store.id)) == before


async def test_permissions_and_other_stores(client: httpx.AsyncClient, make_store: MakeStore) -> None:
    store, other = await make_store("a"), await make_store("b")
    item = await sellable(other, on_hand=3)
    [theirs] = await _orders(other, item, 1)
    reader = await store.token(TokenKind.ADMIN, ["orders:read"])
    gid = encode_global_id("Order", theirs.id)
    body = (await gql(client, reader, CANCEL, {"id": gid, "reason": ""})).json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = (await gql(client, store.storefront, LIST)).json()
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_ID_REQUIRED"
    assert codes(await call(client, store.admin, CANCEL, {"id": gid, "reason": ""})) == [("id", "NOT_FOUND")]
    assert (await gql(client, reader, NODE, {"id": gid})).json()["data"]["node"] is None
    assert (await gql(client, reader, LIST)).json()["data"]["orders"]["edges"] == []
    # a token without orders:read does not find orders through node(id:) either
    [mine] = await _orders(store, await sellable(store, on_hand=1), 1)
    catalog_only = await store.token(TokenKind.ADMIN, ["catalog:read"])
    mine_id = {"id": encode_global_id("Order", mine.id)}
    assert (await gql(client, catalog_only, NODE, mine_id)).json()["data"]["node"] is None
    assert (await gql(client, reader, NODE, mine_id)).json()["data"]["node"] == {
        "number": 1,
        "status": "PENDING",
    }


async def test_listing_reads_a_constant_number_of_statements(
    client: httpx.AsyncClient, make_store: MakeStore, app: Any
) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=50)
    await _orders(store, item, 2)
    engine = app.state.gateway.db.primary
    with statements(engine) as few:
        assert len((await gql(client, store.admin, DETAIL)).json()["data"]["orders"]["edges"]) == 2
    await _orders(store, item, 10)
    with statements(engine) as many:
        assert len((await gql(client, store.admin, DETAIL)).json()["data"]["orders"]["edges"]) == 12
    assert len(many) == len(few)
