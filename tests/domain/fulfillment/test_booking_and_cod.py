"""Booking shipments with a courier (its local fake over HTTP), and the courier's reports through the webhook
route onto the order: timeline, shipment status, cash on delivery captured or flagged."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import Database
from domain.fulfillment.courier_accounts import adapter_for
from domain.fulfillment.couriers.base import CourierProvider, FailureKind
from domain.fulfillment.models import CodReconciliation, CourierAccount, Shipment, ShipmentStatus
from domain.fulfillment.shipments import LineQuantity, ShipmentInput, book_shipment, create_shipment
from tests.fixtures.courier_accounts import MakeAccount
from tests.fixtures.couriers import FakePathao, FakeSteadfast, Scripted
from tests.fixtures.database import fetch, outbox
from tests.fixtures.fulfillment import PlacedOrder, placed_order
from tests.fixtures.tenancy import MakeStore, StoreFixture

SECRET = "courier-webhook-secret-0123"


async def shipment_for(store: StoreFixture, placed: PlacedOrder, provider: CourierProvider) -> Shipment:
    async with store.uow() as uow:
        shipment = await create_shipment(
            uow,
            ShipmentInput(
                order_id=placed.order.id,
                lines=[LineQuantity(line.id, line.quantity) for line in placed.lines],
                provider=provider,
            ),
            actor="staff:test",
        )
        await uow.commit()
    return shipment


async def book(
    store: StoreFixture, shipment: Shipment, db: Database, client: httpx.AsyncClient
) -> tuple[Shipment, Any]:
    def adapter_of(account: CourierAccount) -> Any:
        return adapter_for(account, db=db, client=client, timeout_seconds=2.0)

    async with store.uow() as uow:
        return await book_shipment(uow, shipment.id, adapter_of=adapter_of, actor="staff:test")


async def report(client: httpx.AsyncClient, store: StoreFixture, body: dict[str, Any]) -> httpx.Response:
    return await client.post(
        f"/couriers/pathao/webhook/{store.id}",
        content=json.dumps(body).encode(),
        headers={"X-PATHAO-Signature": SECRET, "content-type": "application/json"},
    )


async def timeline(engine: AsyncEngine, order_id: uuid.UUID) -> list[str]:
    rows = await fetch(
        engine, "SELECT kind FROM order_events WHERE order_id = :o ORDER BY created_at, id", o=order_id
    )
    return [r["kind"] for r in rows]


async def attempt_status(engine: AsyncEngine, order_id: uuid.UUID) -> str:
    (row,) = await fetch(engine, "SELECT status FROM payment_attempts WHERE order_id = :o", o=order_id)
    return str(row["status"])


async def test_booking_sends_the_order_to_the_courier(
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_pathao: FakePathao,
    courier_http: httpx.AsyncClient,
    db: Database,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.PATHAO, secret=SECRET, base_url=fake_pathao.base)
    placed = await placed_order(store, (2, 1))
    shipment = await shipment_for(store, placed, CourierProvider.PATHAO)

    booked, error = await book(store, shipment, db, courier_http)

    assert error is None
    assert booked.status is ShipmentStatus.BOOKED
    assert booked.consignment_id in fake_pathao.orders
    sent = fake_pathao.at("/orders")[0].json
    assert sent["merchant_order_id"] == shipment.reference
    assert sent["recipient_name"] == "Rahima Khatun"
    assert sent["recipient_phone"] == "01712345678"
    assert sent["recipient_address"] == "House 12, Road 5, Dhanmondi, Dhaka, 1205"
    assert sent["amount_to_collect"] * 100 == placed.order.total
    assert "shipment_booked" in await timeline(owner_engine, placed.order.id)
    assert "shipment.booked" in [e["type"] for e in await outbox(owner_engine, store.id)]


async def test_a_failed_booking_is_recorded_and_can_be_retried(
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_steadfast: FakeSteadfast,
    courier_http: httpx.AsyncClient,
    db: Database,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.STEADFAST, secret=SECRET, base_url=fake_steadfast.base)
    placed = await placed_order(store, (1,))
    shipment = await shipment_for(store, placed, CourierProvider.STEADFAST)
    fake_steadfast.script("/api/v1/create_order", Scripted(503, {"message": "maintenance"}))

    failed, error = await book(store, shipment, db, courier_http)
    retried, again = await book(store, shipment, db, courier_http)

    assert error is not None and error.kind is FailureKind.UNAVAILABLE
    assert failed.status is ShipmentStatus.BOOKING_FAILED and failed.booking_error
    assert again is None and retried.status is ShipmentStatus.BOOKED and retried.booking_error is None
    assert len(fake_steadfast.orders) == 1
    kinds = await timeline(owner_engine, placed.order.id)
    assert kinds.index("shipment_booking_failed") < kinds.index("shipment_booked")


async def booked_pathao_order(
    store: StoreFixture,
    make_courier_account: MakeAccount,
    fake_pathao: FakePathao,
    client: httpx.AsyncClient,
    db: Database,
) -> tuple[PlacedOrder, Shipment]:
    await make_courier_account(store, CourierProvider.PATHAO, secret=SECRET, base_url=fake_pathao.base)
    placed = await placed_order(store, (1,))
    shipment = await shipment_for(store, placed, CourierProvider.PATHAO)
    booked, _ = await book(store, shipment, db, client)
    return placed, booked


async def test_delivery_with_the_full_amount_captures_the_cod_payment(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_pathao: FakePathao,
    courier_http: httpx.AsyncClient,
    db: Database,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    placed, shipment = await booked_pathao_order(store, make_courier_account, fake_pathao, courier_http, db)
    base = {"consignment_id": shipment.consignment_id, "merchant_order_id": shipment.reference}

    await report(client, store, {**base, "event": "order.picked", "updated_at": "2026-11-28 10:00:00"})
    delivered = {
        **base,
        "event": "order.delivered",
        "updated_at": "2026-11-28 15:00:00",
        "collected_amount": placed.order.total // 100,
        "delivery_fee": 60,
    }
    await report(client, store, delivered)
    await report(client, store, delivered)  # a replay settles nothing twice

    (row,) = await fetch(owner_engine, "SELECT * FROM shipments WHERE id = :s", s=shipment.id)
    assert row["status"] == "delivered" and row["courier_status"] == "delivered"
    assert row["collected_amount"] == placed.order.total
    assert row["reconciliation"] == CodReconciliation.MATCHED.value
    assert await attempt_status(owner_engine, placed.order.id) == "captured"
    (order,) = await fetch(owner_engine, "SELECT payment_status FROM orders WHERE id = :o", o=placed.order.id)
    assert order["payment_status"] == "paid"
    kinds = await timeline(owner_engine, placed.order.id)
    assert kinds.count("courier_status") == 2 and kinds.count("cod_collected") == 1
    linked = await fetch(owner_engine, "SELECT shipment_id FROM tracking_events")
    assert {r["shipment_id"] for r in linked} == {shipment.id}
    types = [e["type"] for e in await outbox(owner_engine, store.id)]
    assert types.count("shipment.delivered") == 1 and "shipment.cod_mismatch" not in types


async def test_a_short_collection_is_flagged_and_nothing_captured(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_pathao: FakePathao,
    courier_http: httpx.AsyncClient,
    db: Database,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    placed, shipment = await booked_pathao_order(store, make_courier_account, fake_pathao, courier_http, db)

    await report(
        client,
        store,
        {
            "consignment_id": shipment.consignment_id,
            "event": "order.partial-delivery",
            "updated_at": "2026-11-28 15:00:00",
            "collected_amount": 100,
        },
    )

    (row,) = await fetch(owner_engine, "SELECT * FROM shipments WHERE id = :s", s=shipment.id)
    assert row["reconciliation"] == "mismatch" and row["collected_amount"] == 10_000
    assert await attempt_status(owner_engine, placed.order.id) == "pending"
    assert "cod_mismatch" in await timeline(owner_engine, placed.order.id)
    (notice,) = await fetch(owner_engine, "SELECT kind, data FROM staff_notifications")
    assert notice["kind"] == "cod_mismatch"
    assert notice["data"]["due"] == placed.order.total and notice["data"]["collected"] == 10_000
    mismatch = [e for e in await outbox(owner_engine, store.id) if e["type"] == "shipment.cod_mismatch"]
    assert len(mismatch) == 1


async def test_reports_for_unknown_consignments_are_kept_unlinked(
    client: httpx.AsyncClient,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_pathao: FakePathao,
    courier_http: httpx.AsyncClient,
    db: Database,
    owner_engine: AsyncEngine,
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    _, shipment = await booked_pathao_order(a, make_courier_account, fake_pathao, courier_http, db)
    await make_courier_account(b, CourierProvider.PATHAO, secret=SECRET)

    # Store b's courier reports a consignment id that only store a has.
    response = await report(
        client, b, {"consignment_id": shipment.consignment_id, "event": "order.delivered", "updated_at": "x"}
    )

    assert response.status_code == 202
    (row,) = await fetch(owner_engine, "SELECT shipment_id FROM tracking_events WHERE store_id = :s", s=b.id)
    assert row["shipment_id"] is None
    (a_row,) = await fetch(owner_engine, "SELECT status FROM shipments WHERE id = :s", s=shipment.id)
    assert a_row["status"] == "booked"
