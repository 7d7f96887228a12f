"""The order state machines: allowed moves only, each on the timeline and in the outbox; cancel restocks."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError
from domain.inventory.availability import available
from domain.orders.models import Order, OrderStatus, PaymentStatus
from domain.orders.placement import place_order
from domain.orders.queries import events_by_order
from domain.orders.services import add_note, cancel_order, set_payment_status, transition
from domain.orders.states import TRANSITIONS
from tests.fixtures.database import fetch, outbox
from tests.fixtures.orders import Sellable, draft, ledger_mismatches, sellable
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def _order(store: StoreFixture, item: Sellable, qty: int = 2) -> Order:
    async with store.uow() as uow:
        order = await place_order(uow, draft([(item, qty)]), actor="guest")
        await uow.commit()
    return order


async def test_cancelling_puts_the_units_back_and_records_who(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=5)
    order = await _order(store, item, 3)
    async with store.uow(correlation_id="req-c") as uow:
        cancelled = await cancel_order(uow, order.id, actor="staff:42", reason="customer asked")
        await uow.commit()
    assert cancelled.status is OrderStatus.CANCELLED and cancelled.cancel_reason == "customer asked"
    async with store.uow() as uow:
        assert (await available(uow, [item.variant_id]))[item.variant_id].available == 5
        [timeline] = await events_by_order(uow.session, [order.id])
    assert [(e.kind, e.actor) for e in timeline] == [("placed", "guest"), ("cancelled", "staff:42")]
    assert timeline[1].request_id == "req-c"
    released = await fetch(
        owner_engine, "SELECT delta FROM inventory_adjustments WHERE reason = 'reservation_released'"
    )
    assert [r["delta"] for r in released] == [3]
    assert await ledger_mismatches(owner_engine, store.id) == []
    types = [e["type"] for e in await outbox(owner_engine, store.id)]
    assert types.count("order.cancelled") == 1
    # and cancelling twice is an invalid transition that changes nothing more
    async with store.uow() as uow:
        with pytest.raises(DomainError) as err:
            await cancel_order(uow, order.id, actor="staff:42")
    assert err.value.code == "INVALID_TRANSITION"
    assert [
        r["delta"]
        for r in await fetch(
            owner_engine, "SELECT delta FROM inventory_adjustments WHERE reason = 'reservation_released'"
        )
    ] == [3]


async def test_only_listed_transitions_are_allowed(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=50)
    for source, targets in TRANSITIONS.items():
        for target in OrderStatus:
            if target is OrderStatus.CANCELLED or source is OrderStatus.CANCELLED:
                continue
            order = await _order(store, item, 1)
            path = {
                OrderStatus.PENDING: [],
                OrderStatus.CONFIRMED: [OrderStatus.CONFIRMED],
                OrderStatus.PARTIALLY_FULFILLED: [OrderStatus.PARTIALLY_FULFILLED],
                OrderStatus.FULFILLED: [OrderStatus.FULFILLED],
                OrderStatus.COMPLETED: [OrderStatus.FULFILLED, OrderStatus.COMPLETED],
            }[source]
            async with store.uow() as uow:
                for step in path:
                    await transition(uow, order.id, step, actor="staff:1")
                await uow.commit()
            async with store.uow() as uow:
                if target in targets:
                    moved = await transition(uow, order.id, target, actor="staff:1")
                    assert moved.status is target
                else:
                    with pytest.raises(DomainError) as err:
                        await transition(uow, order.id, target, actor="staff:1")
                    assert err.value.code == "INVALID_TRANSITION", (source, target)


async def test_a_shipped_order_cannot_be_cancelled(make_store: MakeStore) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=5)
    order = await _order(store, item)
    async with store.uow() as uow:
        await transition(uow, order.id, OrderStatus.PARTIALLY_FULFILLED, actor="courier:pathao")
        await uow.commit()
    async with store.uow() as uow:
        with pytest.raises(DomainError) as err:
            await transition(uow, order.id, OrderStatus.CANCELLED, actor="staff:1")
    assert err.value.code == "INVALID_TRANSITION"


async def test_paid_emits_order_paid_and_confirms_a_pending_order(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=5)
    order = await _order(store, item)
    async with store.uow() as uow:
        paid = await set_payment_status(uow, order.id, PaymentStatus.PAID, actor="provider:bkash")
        await uow.commit()
    assert (paid.status, paid.payment_status) == (OrderStatus.CONFIRMED, PaymentStatus.PAID)
    events = [e for e in await outbox(owner_engine, store.id) if e["type"] == "order.paid"]
    assert len(events) == 1 and events[0]["data"]["total"] == order.total
    async with store.uow() as uow:
        with pytest.raises(DomainError) as err:
            await set_payment_status(uow, order.id, PaymentStatus.AUTHORIZED, actor="provider:bkash")
    assert err.value.code == "INVALID_TRANSITION"


async def test_two_concurrent_cancels_restock_once(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=5)
    order = await _order(store, item, 2)

    async def cancel() -> str:
        async with store.uow() as uow:
            try:
                await cancel_order(uow, order.id, actor="staff:1")
                await uow.commit()
                return "ok"
            except DomainError as exc:
                return exc.code

    assert sorted(await asyncio.gather(cancel(), cancel())) == ["INVALID_TRANSITION", "ok"]
    assert await ledger_mismatches(owner_engine, store.id) == []
    rows = await fetch(
        owner_engine, "SELECT on_hand FROM stock_levels WHERE variant_id = :v", v=item.variant_id
    )
    assert [r["on_hand"] for r in rows] == [5]


async def test_notes_and_unknown_orders(make_store: MakeStore) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=5)
    order = await _order(store, item)
    async with store.uow() as uow:
        await add_note(uow, order.id, "Customer confirmed by phone", actor="staff:1")
        await uow.commit()
        with pytest.raises(DomainError) as err:
            await add_note(uow, order.id, "  ", actor="staff:1")
        assert err.value.code == "INVALID"
        with pytest.raises(DomainError) as err:
            await transition(uow, uuid.uuid4(), OrderStatus.CONFIRMED, actor="staff:1")
        assert err.value.code == "NOT_FOUND"
