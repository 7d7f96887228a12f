"""shipmentCancel over admin GraphQL (RedX's fake over HTTP), bad input that changes nothing, permissions and
stores; and a courier's own `cancelled` report through the webhook route, which cancels the same way, once."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access.models import TokenKind
from domain.fulfillment.couriers.base import CourierProvider
from resolvers.ids import encode_global_id
from tests.fixtures.catalog_admin import call, codes
from tests.fixtures.courier_accounts import MakeAccount
from tests.fixtures.couriers import FakeRedx, FakeSteadfast, Scripted
from tests.fixtures.database import fetch, outbox
from tests.fixtures.fulfillment import PlacedOrder, placed_order
from tests.fixtures.tenancy import MakeStore, StoreFixture, gql

SECRET = "whk-secret-0123456789abcdef"
AREA = [{"key": "delivery_area", "value": "Dhanmondi"}, {"key": "delivery_area_id", "value": "7"}]
CREATE = """
mutation Create($input: FulfillmentCreateInput!) {
  fulfillmentCreate(input: $input) {
    shipment { id status consignmentId }
    errors { field code message }
  }
}
"""
CANCEL = """
mutation Cancel($input: ShipmentCancelInput!) {
  shipmentCancel(input: $input) {
    shipment { id reference status courier consignmentId courierStatus reconciliation }
    errors { field code message }
  }
}
"""


def order_gid(order_id: Any) -> str:
    return encode_global_id("Order", order_id)


async def fulfil(
    client: httpx.AsyncClient, store: StoreFixture, placed: PlacedOrder, courier: str | None
) -> dict[str, Any]:
    input_: dict[str, Any] = {
        "orderId": order_gid(placed.order.id),
        "lines": [{"orderLineId": str(line.id), "quantity": line.quantity} for line in placed.lines],
    }
    if courier:
        input_ |= {"courier": courier, "area": AREA}
    payload = await call(client, store.admin, CREATE, {"input": input_})
    assert payload["errors"] == [], payload
    return dict(payload["shipment"])


async def state(engine: AsyncEngine, store: StoreFixture, order_id: uuid.UUID) -> dict[str, Any]:
    shipments = await fetch(
        engine,
        "SELECT status, courier_status FROM shipments WHERE order_id = :o ORDER BY created_at",
        o=order_id,
    )
    fulfilled = await fetch(
        engine, "SELECT sum(fulfilled) AS n FROM order_line_fulfillments WHERE order_id = :o", o=order_id
    )
    (order,) = await fetch(engine, "SELECT status FROM orders WHERE id = :o", o=order_id)
    timeline = await fetch(
        engine, "SELECT kind FROM order_events WHERE order_id = :o ORDER BY created_at, id", o=order_id
    )
    return {
        "shipments": [(r["status"], r["courier_status"]) for r in shipments],
        "fulfilled": int(fulfilled[0]["n"] or 0),
        "order": order["status"],
        "timeline": [r["kind"] for r in timeline],
        "outbox": [e["type"] for e in await outbox(engine, store.id)],
    }


async def test_cancel_with_redx_then_fulfil_again(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_redx: FakeRedx,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.REDX, secret=SECRET, base_url=fake_redx.base)
    placed = await placed_order(store, (2, 1))
    shipment = await fulfil(client, store, placed, "REDX")

    payload = await call(
        client,
        store.admin,
        CANCEL,
        {"input": {"shipmentId": shipment["id"], "reason": "Customer called to cancel"}},
    )

    assert payload["errors"] == []
    assert (
        payload["shipment"]["status"] == "CANCELLED" and payload["shipment"]["courierStatus"] == "CANCELLED"
    )
    assert payload["shipment"]["reconciliation"] == "NONE"
    assert fake_redx.parcels[shipment["consignmentId"]]["status"] == "cancelled"
    after = await state(owner_engine, store, placed.order.id)
    assert after["fulfilled"] == 0 and after["order"] == "confirmed"
    assert after["outbox"].count("shipment.cancelled") == 1
    (entry,) = await fetch(
        owner_engine,
        "SELECT actor, request_id FROM order_events WHERE order_id = :o AND kind = 'shipment_cancelled'",
        o=placed.order.id,
    )
    assert entry["actor"].startswith("token:") and entry["request_id"]

    again = await fulfil(client, store, placed, "REDX")
    assert again["status"] == "BOOKED" and again["consignmentId"] != shipment["consignmentId"]
    assert (await state(owner_engine, store, placed.order.id))["order"] == "fulfilled"


async def test_bad_input_and_courier_failures_change_nothing(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_redx: FakeRedx,
    fake_steadfast: FakeSteadfast,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.REDX, secret=SECRET, base_url=fake_redx.base)
    await make_courier_account(store, CourierProvider.STEADFAST, secret=SECRET, base_url=fake_steadfast.base)
    redx_order = await placed_order(store, (1,))
    steadfast_order = await placed_order(store, (1,))
    redx = await fulfil(client, store, redx_order, "REDX")
    steadfast = await fulfil(client, store, steadfast_order, "STEADFAST")
    before = [await state(owner_engine, store, o.order.id) for o in (redx_order, steadfast_order)]
    fake_redx.script("/v1.0.0-beta/parcels", Scripted(500, {"message": "down"}))
    cases = [
        ({"shipmentId": "bad", "reason": "x"}, [("shipmentId", "NOT_FOUND")]),
        ({"shipmentId": order_gid(redx_order.order.id), "reason": "x"}, [("shipmentId", "NOT_FOUND")]),
        ({"shipmentId": redx["id"], "reason": "  "}, [("reason", "REQUIRED")]),
        ({"shipmentId": redx["id"], "reason": "y" * 501}, [("reason", "INVALID")]),
        ({"shipmentId": redx["id"], "reason": "a\u0000b"}, [("reason", "INVALID")]),
        ({"shipmentId": redx["id"], "reason": "courier down"}, [("courier", "COURIER_UNAVAILABLE")]),
        ({"shipmentId": steadfast["id"], "reason": "no API"}, [("courier", "COURIER_UNSUPPORTED")]),
    ]

    for input_, expected in cases:
        payload = await call(client, store.admin, CANCEL, {"input": input_})
        assert codes(payload) == expected, (input_, payload)
        assert payload["shipment"] is None

    assert [await state(owner_engine, store, o.order.id) for o in (redx_order, steadfast_order)] == before
    assert fake_redx.parcels[redx["consignmentId"]]["status"] == "pickup-pending"

    # Steadfast's panel cancel, recorded
    recorded = await call(
        client,
        store.admin,
        CANCEL,
        {"input": {"shipmentId": steadfast["id"], "reason": "done in panel", "cancelledAtCourier": True}},
    )
    assert recorded["errors"] == [] and recorded["shipment"]["status"] == "CANCELLED"
    twice = await call(
        client,
        store.admin,
        CANCEL,
        {"input": {"shipmentId": steadfast["id"], "reason": "again", "cancelledAtCourier": True}},
    )
    assert codes(twice) == [("shipmentId", "INVALID_TRANSITION")]


async def test_permissions_and_stores(
    client: httpx.AsyncClient, make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    placed = await placed_order(a, (1,))
    shipment = await fulfil(client, a, placed, None)
    reader = await a.token(TokenKind.ADMIN, ["orders:read"], "reader")
    before = await state(owner_engine, a, placed.order.id)
    b_events = await outbox(owner_engine, b.id)
    variables = {"input": {"shipmentId": shipment["id"], "reason": "x"}}

    denied = (await gql(client, reader, CANCEL, variables)).json()
    storefront = (await gql(client, a.storefront, CANCEL, variables)).json()
    foreign = await call(client, b.admin, CANCEL, variables)

    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert storefront["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_ID_REQUIRED"
    assert codes(foreign) == [("shipmentId", "NOT_FOUND")]
    assert await state(owner_engine, a, placed.order.id) == before
    assert await outbox(owner_engine, b.id) == b_events


async def steadfast_report(
    client: httpx.AsyncClient, store: StoreFixture, consignment: str, status: str, at: str
) -> httpx.Response:
    body = {
        "notification_type": "delivery_status",
        "consignment_id": int(consignment),
        "invoice": "x",
        "cod_amount": 0,
        "status": status,
        "delivery_charge": 0,
        "tracking_message": "Cancelled by merchant request",
        "updated_at": at,
    }
    return await client.post(
        f"/couriers/steadfast/webhook/{store.id}",
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json", "Authorization": f"Bearer {SECRET}"},
    )


async def test_a_courier_cancelled_report_cancels_the_same_way_once(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_steadfast: FakeSteadfast,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.STEADFAST, secret=SECRET, base_url=fake_steadfast.base)
    by_staff, by_courier = await placed_order(store, (2, 1)), await placed_order(store, (2, 1))
    staff_shipment = await fulfil(client, store, by_staff, "STEADFAST")
    courier_shipment = await fulfil(client, store, by_courier, "STEADFAST")

    await call(
        client,
        store.admin,
        CANCEL,
        {"input": {"shipmentId": staff_shipment["id"], "reason": "panel", "cancelledAtCourier": True}},
    )
    first = await steadfast_report(
        client, store, courier_shipment["consignmentId"], "Cancelled", "2026-11-28 12:00:00"
    )
    replay = await steadfast_report(
        client, store, courier_shipment["consignmentId"], "Cancelled", "2026-11-28 12:00:00"
    )
    later = await steadfast_report(
        client, store, courier_shipment["consignmentId"], "cancelled", "2026-11-28 13:00:00"
    )

    assert [first.json()["status"], replay.json()["status"], later.json()["status"]] == [
        "accepted",
        "duplicate",
        "accepted",
    ]
    staff = await state(owner_engine, store, by_staff.order.id)
    courier = await state(owner_engine, store, by_courier.order.id)
    assert staff["shipments"][0][0] == courier["shipments"][0][0] == "cancelled"
    assert staff["fulfilled"] == courier["fulfilled"] == 0
    assert staff["order"] == courier["order"] == "confirmed"
    assert (
        staff["timeline"].count("shipment_cancelled") == courier["timeline"].count("shipment_cancelled") == 1
    )
    cancelled = [e for e in await outbox(owner_engine, store.id) if e["type"] == "shipment.cancelled"]
    assert len(cancelled) == 2
    staff_event, courier_event = sorted(cancelled, key=lambda e: e["data"]["source"], reverse=True)
    assert staff_event["data"]["source"] == "manual" and courier_event["data"]["source"] == "courier"
    assert set(staff_event["data"]) == set(courier_event["data"])
    assert courier_event["data"]["reason"] == "Cancelled by merchant request"
    (entry,) = await fetch(
        owner_engine,
        "SELECT actor FROM order_events WHERE order_id = :o AND kind = 'shipment_cancelled'",
        o=by_courier.order.id,
    )
    assert entry["actor"] == "courier:steadfast"


async def test_a_courier_cancel_of_a_closed_order_is_recorded_and_moves_nothing(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_steadfast: FakeSteadfast,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.STEADFAST, secret=SECRET, base_url=fake_steadfast.base)
    placed = await placed_order(store, (1,))
    shipment = await fulfil(client, store, placed, "STEADFAST")
    async with owner_engine.begin() as conn:
        from sqlalchemy import text

        await conn.execute(
            text("UPDATE orders SET status = 'completed' WHERE id = :o"), {"o": placed.order.id}
        )

    response = await steadfast_report(
        client, store, shipment["consignmentId"], "cancelled", "2026-11-28 12:00:00"
    )

    assert response.status_code == 200 and response.json()["status"] == "accepted"
    after = await state(owner_engine, store, placed.order.id)
    assert after["shipments"] == [("booked", "cancelled")]
    assert after["fulfilled"] == 1 and after["order"] == "completed"
    assert "shipment.cancelled" not in after["outbox"] and "courier_status" in after["timeline"]


async def test_staff_and_courier_cancelling_at_once_cancel_once(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_steadfast: FakeSteadfast,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.STEADFAST, secret=SECRET, base_url=fake_steadfast.base)
    placed = await placed_order(store, (2, 1))
    shipment = await fulfil(client, store, placed, "STEADFAST")

    staff, courier = await asyncio.gather(
        call(
            client,
            store.admin,
            CANCEL,
            {"input": {"shipmentId": shipment["id"], "reason": "panel", "cancelledAtCourier": True}},
        ),
        steadfast_report(client, store, shipment["consignmentId"], "cancelled", "2026-11-28 12:00:00"),
    )

    assert courier.status_code == 200
    # whichever came second found it cancelled: the courier's report changes nothing more, staff are told
    assert codes(staff) in ([], [("shipmentId", "INVALID_TRANSITION")])
    after = await state(owner_engine, store, placed.order.id)
    assert (
        after["shipments"][0][0] == "cancelled" and after["fulfilled"] == 0 and after["order"] == "confirmed"
    )
    assert after["outbox"].count("shipment.cancelled") == 1
    assert after["timeline"].count("shipment_cancelled") == 1


async def test_a_delivery_reported_for_a_cancelled_shipment_is_flagged_not_captured(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_steadfast: FakeSteadfast,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.STEADFAST, secret=SECRET, base_url=fake_steadfast.base)
    placed = await placed_order(store, (1,))
    shipment = await fulfil(client, store, placed, "STEADFAST")
    await call(
        client,
        store.admin,
        CANCEL,
        {"input": {"shipmentId": shipment["id"], "reason": "panel", "cancelledAtCourier": True}},
    )
    delivered = {
        "notification_type": "delivery_status",
        "consignment_id": int(shipment["consignmentId"]),
        "invoice": "x",
        "cod_amount": placed.order.total / 100,
        "status": "delivered",
        "delivery_charge": 60,
        "tracking_message": "Delivered",
        "updated_at": "2026-11-28 15:00:00",
    }

    response = await client.post(
        f"/couriers/steadfast/webhook/{store.id}",
        content=json.dumps(delivered).encode(),
        headers={"content-type": "application/json", "Authorization": f"Bearer {SECRET}"},
    )

    assert response.status_code == 200
    (row,) = await fetch(
        owner_engine, "SELECT status, reconciliation FROM shipments WHERE order_id = :o", o=placed.order.id
    )
    assert (row["status"], row["reconciliation"]) == ("cancelled", "mismatch")
    (attempt,) = await fetch(
        owner_engine, "SELECT status FROM payment_attempts WHERE order_id = :o", o=placed.order.id
    )
    assert attempt["status"] == "pending"
    types = (await state(owner_engine, store, placed.order.id))["outbox"]
    assert types.count("shipment.cod_mismatch") == 1 and "shipment.delivered" not in types
