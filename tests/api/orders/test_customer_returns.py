"""The storefront's return request (persisted `CustomerReturnRequest`): a signed-in customer sends back
delivered units of their own order; the merchant sees it in the admin API and on the order's timeline."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers.ids import encode_global_id
from tests.api.orders.test_order_tracking import fulfil, order_of, persisted, register
from tests.fixtures.catalog_admin import gql
from tests.fixtures.database import count, fetch, outbox, snapshot
from tests.fixtures.tenancy import MakeStore

RETURNS = """
query Returns($orderId: ID!) {
  orderReturns(orderId: $orderId) {
    reference status note lines { orderLineId quantity reason restock amount { amount } }
  }
}
"""


def _line(line_id: str, quantity: int, reason: str = "DEFECTIVE") -> dict[str, Any]:
    return {"orderLineId": line_id, "quantity": quantity, "reason": reason}


async def _request(
    client: httpx.AsyncClient, store: Any, customer: str | None, number: int, lines: list[dict[str, Any]]
) -> dict[str, Any]:
    variables = {"input": {"orderNumber": number, "lines": lines, "note": "the seam is torn"}}
    res = await persisted(client, store, "CustomerReturnRequest", variables, customer=customer)
    assert res.status_code == 200, res.text
    body = res.json()
    assert "errors" not in body, body
    return dict(body["data"]["customerReturnRequest"])


async def test_a_customer_asks_to_return_delivered_units_of_their_order(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    token, customer_id = await register(client, store, "a@example.com")
    order, (a, b) = await order_of(store, (2, 1), customer_id=customer_id, email="a@example.com")
    await fulfil(client, store, order, [(a, 2), (b, 1)])

    got = await _request(client, store, token, order.number, [_line(a, 1)])

    assert got["errors"] == []
    ret = got["returnRequest"]
    assert (ret["reference"], ret["status"], ret["note"]) == (
        f"R{order.number}-1",
        "REQUESTED",
        "the seam is torn",
    )
    share = ret["lines"][0]["amount"]["amount"]
    assert ret["lines"] == [
        {
            "orderLineId": a,
            "quantity": 1,
            "reason": "DEFECTIVE",
            "amount": {"amount": share, "currency": "BDT"},
        }
    ]
    assert ret["refundAmount"] == {"amount": share, "currency": "BDT"} and share > 0
    # the merchant's view: restock proposed, the customer on the timeline, the event in the outbox
    res = await gql(client, store.admin, RETURNS, {"orderId": encode_global_id("Order", order.id)})
    admin = res.json()["data"]["orderReturns"]
    assert [(x["status"], x["lines"][0]["restock"]) for x in admin] == [("REQUESTED", True)]
    timeline = await fetch(
        owner_engine,
        "SELECT actor FROM order_events WHERE order_id = :o AND kind = 'return_requested'",
        o=order.id,
    )
    assert [t["actor"] for t in timeline] == [f"customer:{customer_id}"]
    assert [e["type"] for e in await outbox(owner_engine, store.id)].count("return.requested") == 1
    # the tracking page counts the units as on their way back
    tracked = await persisted(client, store, "CustomerOrder", {"number": order.number}, customer=token)
    lines = tracked.json()["data"]["me"]["order"]["lines"]
    assert [(x["id"], x["quantityReturned"]) for x in lines] == [(a, 1), (b, 0)]


async def test_bad_requests_are_payload_errors_and_change_nothing(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    mine, my_id = await register(client, store, "a@example.com")
    theirs, _ = await register(client, store, "b@example.com")
    order, (a, b) = await order_of(store, (2, 1), customer_id=my_id, email="a@example.com")
    await fulfil(client, store, order, [(a, 1)])
    before = await snapshot(owner_engine, store.id)

    def codes(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
        assert payload["returnRequest"] is None
        return [(e["field"], e["code"]) for e in payload["errors"]]

    # nobody signed in; another customer; a number that does not exist: the last two look the same
    assert codes(await _request(client, store, None, order.number, [_line(a, 1)])) == [
        (None, "SIGN_IN_REQUIRED")
    ]
    assert codes(await _request(client, store, theirs, order.number, [_line(a, 1)])) == [
        ("orderNumber", "NOT_FOUND")
    ]
    assert codes(await _request(client, store, mine, order.number + 7, [_line(a, 1)])) == [
        ("orderNumber", "NOT_FOUND")
    ]
    # more than shipped (one of two units of `a`; none of `b`), a malformed line id, nothing, bad quantities
    assert codes(await _request(client, store, mine, order.number, [_line(a, 2)])) == [
        ("lines.0.quantity", "QUANTITY_EXCEEDED")
    ]
    assert codes(await _request(client, store, mine, order.number, [_line(b, 1)])) == [
        ("lines.0.quantity", "QUANTITY_EXCEEDED")
    ]
    assert codes(await _request(client, store, mine, order.number, [_line("not-a-line", 1)])) == [
        ("lines.0.orderLineId", "NOT_FOUND")
    ]
    assert [c for _, c in codes(await _request(client, store, mine, order.number, []))] != []
    assert [c for _, c in codes(await _request(client, store, mine, order.number, [_line(a, 0)]))] != []
    assert await count(owner_engine, "return_requests") == 0
    assert await snapshot(owner_engine, store.id) == before
