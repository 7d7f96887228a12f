"""Fulfilment over admin GraphQL: fulfillmentCreate (with a courier fake over HTTP), errors that change
nothing, shipmentBook after a failure, orderShipments without N+1, permissions and stores."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from domain.fulfillment.couriers.base import CourierProvider
from resolvers.ids import encode_global_id
from tests.fixtures.catalog_admin import call, codes
from tests.fixtures.courier_accounts import MakeAccount
from tests.fixtures.couriers import FakeRedx, Scripted
from tests.fixtures.database import fetch, outbox, statements
from tests.fixtures.fulfillment import placed_order
from tests.fixtures.tenancy import MakeStore, gql

CREATE = """
mutation Create($input: FulfillmentCreateInput!) {
  fulfillmentCreate(input: $input) {
    shipment { id reference status courier consignmentId codAmount { amount currency } reconciliation }
    errors { field code message }
  }
}
"""
BOOK = """
mutation Book($id: ID!) {
  shipmentBook(id: $id) { shipment { id status consignmentId bookingError } errors { field code message } }
}
"""
SHIPMENTS = """
query Shipments($orderId: ID!) {
  orderShipments(orderId: $orderId) {
    reference status courier consignmentId
    lines { orderLineId quantity }
    tracking { status rawStatus }
  }
}
"""
AREA = [{"key": "delivery_area", "value": "Dhanmondi"}, {"key": "delivery_area_id", "value": "7"}]


def order_gid(order_id: Any) -> str:
    return encode_global_id("Order", order_id)


async def test_fulfil_with_redx_then_list(
    client: httpx.AsyncClient,
    app: Any,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_redx: FakeRedx,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.REDX, secret="s" * 20, base_url=fake_redx.base)
    placed = await placed_order(store, (2, 1))
    a, b = (str(line.id) for line in placed.lines)

    first = await call(
        client,
        store.admin,
        CREATE,
        {
            "input": {
                "orderId": order_gid(placed.order.id),
                "lines": [{"orderLineId": a, "quantity": 1}],
                "courier": "REDX",
                "area": AREA,
            }
        },
    )

    assert first["errors"] == []
    shipment = first["shipment"]
    assert shipment["status"] == "BOOKED" and shipment["courier"] == "REDX"
    assert shipment["consignmentId"] in fake_redx.parcels
    assert shipment["codAmount"] == {"amount": placed.order.total, "currency": "BDT"}
    assert shipment["reconciliation"] == "AWAITING"
    assert fake_redx.at("/parcel")[0].json["cash_collection_amount"] == str(placed.order.total // 100)

    second = await call(
        client,
        store.admin,
        CREATE,
        {
            "input": {
                "orderId": order_gid(placed.order.id),
                "lines": [{"orderLineId": a, "quantity": 1}, {"orderLineId": b, "quantity": 1}],
            }
        },
    )
    assert second["errors"] == [] and second["shipment"]["status"] == "SHIPPED"

    listed = (await gql(client, store.admin, SHIPMENTS, {"orderId": order_gid(placed.order.id)})).json()
    rows = listed["data"]["orderShipments"]
    assert [r["status"] for r in rows] == ["BOOKED", "SHIPPED"]
    assert rows[1]["lines"] == [{"orderLineId": a, "quantity": 1}, {"orderLineId": b, "quantity": 1}] or rows[
        1
    ]["lines"] == [{"orderLineId": b, "quantity": 1}, {"orderLineId": a, "quantity": 1}]
    (order,) = await fetch(owner_engine, "SELECT status FROM orders WHERE id = :o", o=placed.order.id)
    assert order["status"] == "fulfilled"

    # the list costs the same statements for one shipment and for two
    other = await placed_order(store, (1,))
    await call(
        client,
        store.admin,
        CREATE,
        {
            "input": {
                "orderId": order_gid(other.order.id),
                "lines": [{"orderLineId": str(other.lines[0].id), "quantity": 1}],
            }
        },
    )
    engine = app.state.gateway.db.primary
    counts = []
    for order_id in (other.order.id, placed.order.id):
        await gql(client, store.admin, "{ shop { name } }")
        with statements(engine) as seen:
            await gql(client, store.admin, SHIPMENTS, {"orderId": order_gid(order_id)})
        counts.append(len(seen))
    assert counts[0] == counts[1], counts


async def test_bad_input_changes_nothing(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store("a")
    placed = await placed_order(store, (2,))
    line = str(placed.lines[0].id)
    before = len(await outbox(owner_engine, store.id))
    cases = [
        ({"orderId": "bad", "lines": [{"orderLineId": line, "quantity": 1}]}, [("orderId", "NOT_FOUND")]),
        (
            {"orderId": order_gid(placed.order.id), "lines": [{"orderLineId": line, "quantity": 3}]},
            [("lines.0.quantity", "QUANTITY_EXCEEDED")],
        ),
        (
            {"orderId": order_gid(placed.order.id), "lines": [{"orderLineId": "x", "quantity": 1}]},
            [("lines.0.orderLineId", "NOT_FOUND")],
        ),
        ({"orderId": order_gid(placed.order.id), "lines": []}, [("lines", "REQUIRED")]),
        (
            {
                "orderId": order_gid(placed.order.id),
                "lines": [{"orderLineId": line, "quantity": 1}],
                "courier": "PATHAO",
            },
            [("courier", "COURIER_NOT_CONFIGURED")],
        ),
        (
            {
                "orderId": order_gid(placed.order.id),
                "lines": [{"orderLineId": line, "quantity": 1}],
                "codAmount": -1,
            },
            [("codAmount", "INVALID")],
        ),
    ]

    for input_, expected in cases:
        payload = await call(client, store.admin, CREATE, {"input": input_})
        assert codes(payload) == expected, payload
        assert payload["shipment"] is None

    assert await fetch(owner_engine, "SELECT id FROM shipments") == []
    assert len(await outbox(owner_engine, store.id)) == before


async def test_a_refused_booking_is_reported_and_booked_again(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_redx: FakeRedx,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.REDX, secret="s" * 20, base_url=fake_redx.base)
    placed = await placed_order(store, (1,))
    input_ = {
        "orderId": order_gid(placed.order.id),
        "lines": [{"orderLineId": str(placed.lines[0].id), "quantity": 1}],
        "courier": "REDX",
    }

    refused = await call(client, store.admin, CREATE, {"input": input_})  # no delivery area given
    fake_redx.script("/v1.0.0-beta/parcel", Scripted(500, {"message": "down"}))
    down = await call(client, store.admin, BOOK, {"id": refused["shipment"]["id"]})

    assert refused["shipment"]["status"] == "BOOKING_FAILED"
    assert codes(refused) == [("courier", "COURIER_REJECTED")]
    assert "delivery_area_id" in refused["errors"][0]["message"]
    assert codes(down) == [("courier", "COURIER_UNAVAILABLE")]
    assert fake_redx.parcels == {}


async def test_permissions_and_stores(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    placed = await placed_order(a, (1,))
    reader = await a.token(TokenKind.ADMIN, ["orders:read"], "reader")
    input_ = {
        "orderId": order_gid(placed.order.id),
        "lines": [{"orderLineId": str(placed.lines[0].id), "quantity": 1}],
    }

    denied = (await gql(client, reader, CREATE, {"input": input_})).json()
    foreign = await call(client, b.admin, CREATE, {"input": input_})
    hidden = (await gql(client, b.admin, SHIPMENTS, {"orderId": order_gid(placed.order.id)})).json()

    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert codes(foreign) == [("orderId", "NOT_FOUND")]
    assert hidden["data"]["orderShipments"] == []
    assert await fetch(owner_engine, "SELECT id FROM shipments") == []


REFRESH = """
mutation Refresh($id: ID!) {
  shipmentTrackingRefresh(id: $id) { shipment { status courierStatus reconciliation } errors { field code } }
}
"""


async def test_polling_the_courier_records_a_status_once(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_redx: FakeRedx,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.REDX, secret="s" * 20, base_url=fake_redx.base)
    placed = await placed_order(store, (1,))
    created = await call(
        client,
        store.admin,
        CREATE,
        {
            "input": {
                "orderId": order_gid(placed.order.id),
                "lines": [{"orderLineId": str(placed.lines[0].id), "quantity": 1}],
                "courier": "REDX",
                "area": AREA,
            }
        },
    )
    shipment = created["shipment"]
    fake_redx.parcels[shipment["consignmentId"]]["status"] = "delivered"

    first = await call(client, store.admin, REFRESH, {"id": shipment["id"]})
    second = await call(client, store.admin, REFRESH, {"id": shipment["id"]})

    assert first["errors"] == [] and second["errors"] == []
    assert first["shipment"]["status"] == "DELIVERED" and first["shipment"]["courierStatus"] == "DELIVERED"
    # a polled status carries no amount: cash waits for the courier's own report
    assert first["shipment"]["reconciliation"] == "AWAITING"
    assert len(await fetch(owner_engine, "SELECT id FROM tracking_events")) == 1
    unknown = await call(client, store.admin, REFRESH, {"id": encode_global_id("Shipment", placed.order.id)})
    assert codes(unknown) == [("id", "NOT_FOUND")]
