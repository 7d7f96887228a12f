"""Cancelling shipments: at RedX over HTTP (its local fake), recorded after a cancel in Pathao's or
Steadfast's panel, refused once the courier has the parcel; the units come back on the line counters, the
order moves back so the lines can ship again, timeline and outbox in the same transaction. A courier that
refuses, fails or never answers changes nothing here."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import Database
from domain.errors import DomainError
from domain.fulfillment.cancellation import CancelInput, cancel_shipment
from domain.fulfillment.courier_accounts import adapter_for
from domain.fulfillment.couriers.base import CourierProvider
from domain.fulfillment.models import CourierAccount, Shipment, ShipmentStatus
from domain.fulfillment.shipments import LineQuantity, ShipmentInput, book_shipment, create_shipment
from tests.fixtures.courier_accounts import MakeAccount
from tests.fixtures.couriers import FakePathao, FakeRedx, FakeSteadfast, Scripted
from tests.fixtures.database import fetch, outbox
from tests.fixtures.fulfillment import PlacedOrder, placed_order
from tests.fixtures.tenancy import MakeStore, StoreFixture

SECRET = "courier-webhook-secret-0123"
AREA = {"delivery_area": "Dhanmondi", "delivery_area_id": "7"}
PARCELS = "/v1.0.0-beta/parcels"


async def ship(
    store: StoreFixture, placed: PlacedOrder, lines: list[tuple[int, int]], provider: CourierProvider | None
) -> Shipment:
    """A shipment of (line index, quantity) pairs."""
    async with store.uow() as uow:
        shipment = await create_shipment(
            uow,
            ShipmentInput(
                order_id=placed.order.id,
                lines=[LineQuantity(placed.lines[i].id, q) for i, q in lines],
                provider=provider,
            ),
            actor="staff:test",
        )
        await uow.commit()
    return shipment


def adapters(db: Database, client: httpx.AsyncClient, timeout: float = 2.0) -> Any:
    def adapter_of(account: CourierAccount) -> Any:
        return adapter_for(account, db=db, client=client, timeout_seconds=timeout)

    return adapter_of


async def booked(
    store: StoreFixture,
    placed: PlacedOrder,
    lines: list[tuple[int, int]],
    provider: CourierProvider,
    db: Database,
    client: httpx.AsyncClient,
) -> Shipment:
    shipment = await ship(store, placed, lines, provider)
    async with store.uow() as uow:
        done, error = await book_shipment(
            uow, shipment.id, adapter_of=adapters(db, client), actor="staff:test", area=AREA
        )
    assert error is None and done.status is ShipmentStatus.BOOKED
    return done


async def cancel(
    store: StoreFixture,
    shipment_id: uuid.UUID,
    db: Database,
    client: httpx.AsyncClient,
    *,
    reason: str = "customer changed their mind",
    at_courier: bool = False,
    wait: float = 2.0,
) -> Shipment:
    async with store.uow(correlation_id="req-cancel") as uow:
        return await cancel_shipment(
            uow,
            CancelInput(shipment_id, reason, cancelled_at_courier=at_courier),
            adapter_of=adapters(db, client, wait),
            actor="staff:7",
        )


async def state(engine: AsyncEngine, store: StoreFixture, order_id: uuid.UUID) -> dict[str, Any]:
    """Everything a cancel may change, to compare before and after a refused one."""
    return {
        "shipments": [
            (r["id"], r["status"], r["courier_status"], r["reconciliation"])
            for r in await fetch(
                engine,
                "SELECT * FROM shipments WHERE order_id = :o ORDER BY created_at, id",
                o=order_id,
            )
        ],
        "counters": await counters(engine, order_id),
        "order": (await fetch(engine, "SELECT status FROM orders WHERE id = :o", o=order_id))[0]["status"],
        "timeline": await kinds(engine, order_id),
        "outbox": len(await outbox(engine, store.id)),
    }


async def counters(engine: AsyncEngine, order_id: uuid.UUID) -> list[int]:
    rows = await fetch(
        engine,
        "SELECT f.fulfilled FROM order_line_fulfillments f JOIN order_lines l ON l.id = f.order_line_id"
        " WHERE f.order_id = :o ORDER BY l.position",
        o=order_id,
    )
    return [r["fulfilled"] for r in rows]


async def kinds(engine: AsyncEngine, order_id: uuid.UUID) -> list[str]:
    rows = await fetch(
        engine, "SELECT kind FROM order_events WHERE order_id = :o ORDER BY created_at, id", o=order_id
    )
    return [r["kind"] for r in rows]


async def test_redx_cancels_the_parcel_and_the_units_can_ship_again(
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_redx: FakeRedx,
    courier_http: httpx.AsyncClient,
    db: Database,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.REDX, secret=SECRET, base_url=fake_redx.base)
    placed = await placed_order(store, (2, 1))
    shipment = await booked(store, placed, [(0, 2), (1, 1)], CourierProvider.REDX, db, courier_http)
    assert (await state(owner_engine, store, placed.order.id))["order"] == "fulfilled"

    cancelled = await cancel(store, shipment.id, db, courier_http)

    assert fake_redx.parcels[str(shipment.consignment_id)]["status"] == "cancelled"
    assert fake_redx.parcels[str(shipment.consignment_id)]["cancel_reason"] == "customer changed their mind"
    assert cancelled.status is ShipmentStatus.CANCELLED
    after = await state(owner_engine, store, placed.order.id)
    assert after["shipments"][0][1:] == ("cancelled", "cancelled", "none")
    assert after["counters"] == [0, 0] and after["order"] == "confirmed"
    (entry,) = await fetch(
        owner_engine,
        "SELECT * FROM order_events WHERE order_id = :o AND kind = 'shipment_cancelled'",
        o=placed.order.id,
    )
    assert entry["actor"] == "staff:7" and entry["request_id"] == "req-cancel"
    assert entry["message"] == "customer changed their mind" and entry["data"]["source"] == "staff"
    events = [e for e in await outbox(owner_engine, store.id) if e["correlation_id"] == "req-cancel"]
    by_type = {e["type"]: e["data"] for e in events}
    assert sorted(e["type"] for e in events) == ["order.updated", "shipment.cancelled"]
    data = by_type["shipment.cancelled"]
    assert data["id"] == str(shipment.id) and data["status"] == "cancelled"
    assert data["order_status"] == "confirmed" and data["reason"] == "customer changed their mind"
    assert sorted(x["quantity"] for x in data["lines"]) == [1, 2]
    assert by_type["order.updated"]["change"] == "fulfillment_reopened"
    assert by_type["order.updated"]["status"] == "confirmed"

    # the same lines ship again, and the new parcel carries the cash on delivery the cancelled one did
    again = await booked(store, placed, [(0, 2), (1, 1)], CourierProvider.REDX, db, courier_http)
    assert again.cod_amount == shipment.cod_amount == placed.order.total
    assert (await state(owner_engine, store, placed.order.id))["order"] == "fulfilled"


async def test_cancelling_one_of_two_shipments_leaves_the_order_partially_fulfilled(
    make_store: MakeStore, courier_http: httpx.AsyncClient, db: Database, owner_engine: AsyncEngine
) -> None:
    store = await make_store("a")
    placed = await placed_order(store, (3, 1))
    first = await ship(store, placed, [(0, 2)], None)  # the merchant's own delivery
    second = await ship(store, placed, [(0, 1), (1, 1)], None)

    await cancel(store, second.id, db, courier_http)
    middle = await state(owner_engine, store, placed.order.id)
    await cancel(store, first.id, db, courier_http)
    last = await state(owner_engine, store, placed.order.id)

    assert middle["counters"] == [2, 0] and middle["order"] == "partially_fulfilled"
    assert last["counters"] == [0, 0] and last["order"] == "confirmed"
    assert last["timeline"].count("shipment_cancelled") == 2
    # back to confirmed, the order can be cancelled as one nothing of which shipped
    from domain.orders.services import cancel_order

    async with store.uow() as uow:
        order = await cancel_order(uow, placed.order.id, actor="staff:7")
        await uow.commit()
    assert order.status.value == "cancelled"


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        (Scripted(503, {"message": "maintenance"}), "COURIER_UNAVAILABLE"),
        (Scripted(401, {"message": "token expired"}), "COURIER_UNAVAILABLE"),
        (Scripted(hang=True), "COURIER_UNAVAILABLE"),
        (Scripted(400, {"message": "Parcel is already picked up"}), "COURIER_REJECTED"),
    ],
)
async def test_a_courier_that_refuses_or_fails_changes_nothing(
    reply: Scripted,
    code: str,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_redx: FakeRedx,
    courier_http: httpx.AsyncClient,
    db: Database,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.REDX, secret=SECRET, base_url=fake_redx.base)
    placed = await placed_order(store, (1,))
    shipment = await booked(store, placed, [(0, 1)], CourierProvider.REDX, db, courier_http)
    before = await state(owner_engine, store, placed.order.id)
    fake_redx.script(PARCELS, reply)

    with pytest.raises(DomainError) as err:
        await cancel(store, shipment.id, db, courier_http, wait=0.5)

    assert (err.value.code, err.value.field) == (code, "courier")
    assert len(fake_redx.at("/parcels")) == 1
    assert await state(owner_engine, store, placed.order.id) == before
    assert fake_redx.parcels[str(shipment.consignment_id)]["status"] == "pickup-pending"


@pytest.mark.parametrize("provider", [CourierProvider.PATHAO, CourierProvider.STEADFAST])
async def test_pathao_and_steadfast_cannot_cancel_by_api_but_a_panel_cancel_is_recorded(
    provider: CourierProvider,
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_pathao: FakePathao,
    fake_steadfast: FakeSteadfast,
    courier_http: httpx.AsyncClient,
    db: Database,
    owner_engine: AsyncEngine,
) -> None:
    fake = fake_pathao if provider is CourierProvider.PATHAO else fake_steadfast
    store = await make_store("a")
    await make_courier_account(store, provider, secret=SECRET, base_url=fake.base)
    placed = await placed_order(store, (1,))
    shipment = await booked(store, placed, [(0, 1)], provider, db, courier_http)
    before = await state(owner_engine, store, placed.order.id)
    calls = len(fake.calls)

    with pytest.raises(DomainError) as err:
        await cancel(store, shipment.id, db, courier_http)
    unchanged = await state(owner_engine, store, placed.order.id)
    recorded = await cancel(
        store, shipment.id, db, courier_http, at_courier=True, reason="cancelled in panel"
    )

    assert (err.value.code, err.value.field) == ("COURIER_UNSUPPORTED", "courier")
    assert "cancelledAtCourier" in err.value.message
    assert unchanged == before
    assert len(fake.calls) == calls  # no guessed endpoint was called
    assert recorded.status is ShipmentStatus.CANCELLED
    assert recorded.courier_status is not None and recorded.courier_status.value == "pending"
    after = await state(owner_engine, store, placed.order.id)
    assert after["counters"] == [0] and after["order"] == "confirmed"
    (entry,) = await fetch(
        owner_engine,
        "SELECT data FROM order_events WHERE order_id = :o AND kind = 'shipment_cancelled'",
        o=placed.order.id,
    )
    assert entry["data"]["source"] == "manual"


async def test_refusals_change_nothing_and_call_no_courier(
    make_store: MakeStore,
    make_courier_account: MakeAccount,
    fake_redx: FakeRedx,
    courier_http: httpx.AsyncClient,
    db: Database,
    owner_engine: AsyncEngine,
) -> None:
    store = await make_store("a")
    await make_courier_account(store, CourierProvider.REDX, secret=SECRET, base_url=fake_redx.base)
    placed = await placed_order(store, (1, 1, 1))
    picked = await booked(store, placed, [(0, 1)], CourierProvider.REDX, db, courier_http)
    delivered = await booked(store, placed, [(1, 1)], CourierProvider.REDX, db, courier_http)
    gone = await ship(store, placed, [(2, 1)], None)
    await cancel(store, gone.id, db, courier_http)
    await owner_exec(
        owner_engine, "UPDATE shipments SET courier_status = 'picked_up' WHERE id = :s", s=picked.id
    )
    await owner_exec(
        owner_engine,
        "UPDATE shipments SET status = 'delivered', courier_status = 'delivered' WHERE id = :s",
        s=delivered.id,
    )
    before = await state(owner_engine, store, placed.order.id)
    calls = len(fake_redx.calls)

    cases = [
        (picked.id, "changed", "INVALID_TRANSITION", "shipmentId"),
        (delivered.id, "changed", "INVALID_TRANSITION", "shipmentId"),
        (gone.id, "again", "INVALID_TRANSITION", "shipmentId"),
        (uuid.uuid4(), "nobody's", "NOT_FOUND", "shipmentId"),
        (picked.id, "   ", "REQUIRED", "reason"),
        (picked.id, "x" * 501, "INVALID", "reason"),
        (picked.id, "nul \x00", "INVALID", "reason"),
    ]
    for shipment_id, reason, code, field in cases:
        with pytest.raises(DomainError) as err:
            await cancel(store, shipment_id, db, courier_http, reason=reason)
        assert (err.value.code, err.value.field) == (code, field), reason
    with pytest.raises(DomainError) as err:
        await cancel(
            store, picked.id, db, courier_http, at_courier=True
        )  # a panel cancel cannot undo a pickup
    assert err.value.code == "INVALID_TRANSITION"

    assert await state(owner_engine, store, placed.order.id) == before
    assert len(fake_redx.calls) == calls


async def test_another_stores_shipment_is_not_found(
    make_store: MakeStore, courier_http: httpx.AsyncClient, db: Database, owner_engine: AsyncEngine
) -> None:
    a = await make_store("a")
    b = await make_store("b")
    placed = await placed_order(a, (1,))
    shipment = await ship(a, placed, [(0, 1)], None)
    before = await state(owner_engine, a, placed.order.id)
    b_events = await outbox(owner_engine, b.id)

    with pytest.raises(DomainError) as err:
        await cancel(b, shipment.id, db, courier_http)

    assert (err.value.code, err.value.field) == ("NOT_FOUND", "shipmentId")
    assert await state(owner_engine, a, placed.order.id) == before
    assert await outbox(owner_engine, b.id) == b_events


async def owner_exec(engine: AsyncEngine, sql: str, **params: Any) -> None:
    from sqlalchemy import text

    async with engine.begin() as conn:
        await conn.execute(text(sql), params)
