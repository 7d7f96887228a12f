"""Fulfilment by line and quantity: conditional quantities, the order's state machine, its timeline and
events; a cancelled order, too many units and concurrent shipments of the last units."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError, DomainErrors
from domain.fulfillment.models import CodReconciliation, ShipmentStatus
from domain.fulfillment.shipments import LineQuantity, ShipmentInput, create_shipment
from domain.orders.services import cancel_order
from tests.fixtures.database import fetch, outbox
from tests.fixtures.fulfillment import placed_order
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def ship(store: StoreFixture, order_id: uuid.UUID, *lines: tuple[uuid.UUID, int], **extra: object):  # type: ignore[no-untyped-def]
    async with store.uow(correlation_id="req-ship") as uow:
        shipment = await create_shipment(
            uow,
            ShipmentInput(order_id=order_id, lines=[LineQuantity(i, q) for i, q in lines], **extra),  # type: ignore[arg-type]
            actor="staff:test",
        )
        await uow.commit()
    return shipment


async def counters(engine: AsyncEngine, order_id: uuid.UUID) -> list[tuple[int, int]]:
    rows = await fetch(
        engine,
        "SELECT f.ordered, f.fulfilled FROM order_line_fulfillments f"
        " JOIN order_lines l ON l.id = f.order_line_id WHERE f.order_id = :o ORDER BY l.position",
        o=order_id,
    )
    return [(r["ordered"], r["fulfilled"]) for r in rows]


async def test_partial_then_full_fulfilment(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    store = await make_store("a")
    placed = await placed_order(store, (3, 1))
    a, b = (line.id for line in placed.lines)

    first = await ship(store, placed.order.id, (a, 2))

    assert first.status is ShipmentStatus.SHIPPED and first.reference == f"{placed.order.number}-1"
    assert first.cod_amount == placed.order.total and first.reconciliation is CodReconciliation.AWAITING
    assert await counters(owner_engine, placed.order.id) == [(3, 2), (1, 0)]
    (order,) = await fetch(owner_engine, "SELECT status FROM orders WHERE id = :o", o=placed.order.id)
    assert order["status"] == "partially_fulfilled"

    second = await ship(store, placed.order.id, (a, 1), (b, 1))

    assert second.reference == f"{placed.order.number}-2"
    assert (
        second.cod_amount == 0 and second.reconciliation is CodReconciliation.NONE
    )  # all booked on the first
    assert await counters(owner_engine, placed.order.id) == [(3, 3), (1, 1)]
    (order,) = await fetch(owner_engine, "SELECT status FROM orders WHERE id = :o", o=placed.order.id)
    assert order["status"] == "fulfilled"
    types = [e["type"] for e in await outbox(owner_engine, store.id)]
    assert types.count("shipment.created") == 2
    assert types.index("order.partially_fulfilled") < types.index("order.fulfilled")
    timeline = await fetch(
        owner_engine,
        "SELECT kind, actor, request_id FROM order_events WHERE order_id = :o AND kind <> 'created'"
        " ORDER BY created_at, kind",
        o=placed.order.id,
    )
    kinds = [t["kind"] for t in timeline]
    assert kinds.count("shipment_created") == 2 and kinds.count("status_changed") == 2
    shipped = [t for t in timeline if t["kind"] == "shipment_created"]
    assert all(t["actor"] == "staff:test" and t["request_id"] == "req-ship" for t in shipped)


async def test_more_than_is_left_changes_nothing(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    store = await make_store("a")
    placed = await placed_order(store, (3, 1))
    a, b = (line.id for line in placed.lines)
    await ship(store, placed.order.id, (a, 2))
    before = len(await outbox(owner_engine, store.id))

    with pytest.raises(DomainError) as caught:
        await ship(store, placed.order.id, (b, 1), (a, 2))

    assert (caught.value.code, caught.value.field) == ("QUANTITY_EXCEEDED", "lines.1.quantity")
    assert await counters(owner_engine, placed.order.id) == [(3, 2), (1, 0)]
    assert len(await fetch(owner_engine, "SELECT id FROM shipments")) == 1
    assert len(await outbox(owner_engine, store.id)) == before


async def test_bad_lines_are_refused(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    store = await make_store("a")
    placed = await placed_order(store, (2,))
    other = await placed_order(store, (2,))
    a = placed.lines[0].id

    with pytest.raises(DomainErrors) as invalid:
        await ship(store, placed.order.id, (a, 0), (a, 1))
    with pytest.raises(DomainError) as foreign:
        await ship(store, placed.order.id, (other.lines[0].id, 1))

    assert {(e.field, e.code) for e in invalid.value.errors} == {
        ("lines.0.quantity", "INVALID"),
        ("lines.1.orderLineId", "INVALID"),
    }
    assert (foreign.value.field, foreign.value.code) == ("lines.0.quantity", "QUANTITY_EXCEEDED")
    assert await fetch(owner_engine, "SELECT id FROM shipments") == []


async def test_a_cancelled_order_cannot_be_fulfilled(make_store: MakeStore) -> None:
    store = await make_store("a")
    placed = await placed_order(store, (1,))
    async with store.uow() as uow:
        await cancel_order(uow, placed.order.id, actor="staff:test")
        await uow.commit()

    with pytest.raises(DomainError) as caught:
        await ship(store, placed.order.id, (placed.lines[0].id, 1))

    assert caught.value.code == "INVALID_TRANSITION"


async def test_another_stores_order_is_not_found(make_store: MakeStore) -> None:
    a = await make_store("a")
    b = await make_store("b")
    placed = await placed_order(a, (1,))

    with pytest.raises(DomainError) as caught:
        await ship(b, placed.order.id, (placed.lines[0].id, 1))

    assert caught.value.code == "NOT_FOUND"


async def test_concurrent_shipments_of_the_last_units(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store("a")
    placed = await placed_order(store, (3,))
    a = placed.lines[0].id

    results = await asyncio.gather(
        *(ship(store, placed.order.id, (a, 2)) for _ in range(4)), return_exceptions=True
    )

    shipped = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(shipped) == 1 and len(refused) == 3
    assert all(r.code == "QUANTITY_EXCEEDED" for r in refused)
    assert await counters(owner_engine, placed.order.id) == [(3, 2)]


async def test_cancel_waits_for_a_fulfilment_and_then_finds_it_shipped(make_store: MakeStore) -> None:
    store = await make_store("a")
    placed = await placed_order(store, (2,))

    async def cancel() -> object:
        async with store.uow() as uow:
            order = await cancel_order(uow, placed.order.id, actor="staff:test")
            await uow.commit()
            return order

    results = await asyncio.gather(
        ship(store, placed.order.id, (placed.lines[0].id, 1)), cancel(), return_exceptions=True
    )

    # Exactly one wins: either shipped (and the cancel is refused) or cancelled (and nothing ships).
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].code == "INVALID_TRANSITION"
