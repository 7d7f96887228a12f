"""Placing orders: snapshots, gapless numbers, stock taken through the ledger, timeline and event."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError, DomainErrors
from domain.inventory.availability import available
from domain.orders.placement import place_order
from domain.orders.queries import events_by_order, lines_by_order
from tests.fixtures.database import count, fetch, outbox, statements
from tests.fixtures.orders import draft, ledger_mismatches, sellable
from tests.fixtures.tenancy import MakeStore


async def test_an_order_snapshots_its_lines_and_takes_the_stock(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    saree = await sellable(store, on_hand=5, price=250_000)
    async with store.uow(correlation_id="req-1") as uow:
        order = await place_order(uow, draft([(saree, 2)], note="Call before"), actor="guest")
        await uow.commit()
    assert (order.number, order.status, order.payment_status) == (1, "pending", "unpaid")
    assert (order.subtotal, order.shipping_total, order.total) == (500_000, 6_000, 506_000)
    assert order.shipping_address is not None and order.shipping_address["district"] == "Dhaka"
    assert order.customer_note == "Call before"
    async with store.uow() as uow:
        [lines] = await lines_by_order(uow.session, [order.id])
        [timeline] = await events_by_order(uow.session, [order.id])
        left = (await available(uow, [saree.variant_id]))[saree.variant_id].available
    assert [(line.sku, line.title, line.quantity, line.unit_price, line.total) for line in lines] == [
        (saree.sku, "Jamdani saree", 2, 250_000, 500_000)
    ]
    assert [(e.kind, e.actor, e.request_id) for e in timeline] == [("placed", "guest", "req-1")]
    assert left == 3
    sold = await fetch(
        owner_engine, "SELECT delta, reason, reference_id FROM inventory_adjustments WHERE reason = 'sold'"
    )
    assert [(r["delta"], r["reference_id"]) for r in sold] == [(-2, order.id)]
    created = [e for e in await outbox(owner_engine, store.id) if e["type"] == "order.created"]
    assert len(created) == 1 and created[0]["data"]["number"] == 1 and created[0]["correlation_id"] == "req-1"
    assert await ledger_mismatches(owner_engine, store.id) == []


async def test_numbers_are_per_store_and_a_failed_placement_leaves_no_gap(make_store: MakeStore) -> None:
    a, b = await make_store("a"), await make_store("b")
    item_a = await sellable(a, on_hand=3)
    item_b = await sellable(b, on_hand=3)
    numbers: list[int | str] = []
    for qty in (1, 5, 1):  # the second one is short of stock
        async with a.uow() as uow:
            try:
                numbers.append((await place_order(uow, draft([(item_a, qty)]), actor="guest")).number)
                await uow.commit()
            except DomainError as exc:
                numbers.append(exc.code)
                await uow.rollback()
    async with b.uow() as uow:
        numbers.append((await place_order(uow, draft([(item_b, 1)]), actor="guest")).number)
        await uow.commit()
    assert numbers == [1, "INSUFFICIENT_STOCK", 2, 1]


async def test_a_draft_whose_sums_disagree_is_refused_and_nothing_is_written(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=3)
    bad = dataclasses.replace(draft([(item, 1)]), total=1)
    events_before = len(await outbox(owner_engine, store.id))
    async with store.uow() as uow:
        with pytest.raises(DomainError) as err:
            await place_order(uow, bad, actor="guest")
    assert (err.value.code, err.value.field) == ("TOTALS_MISMATCH", "total")
    empty = dataclasses.replace(draft([(item, 1)]), lines=())
    async with store.uow() as uow:
        with pytest.raises(DomainError) as err:
            await place_order(uow, empty, actor="guest")
    assert err.value.code == "EMPTY_ORDER"
    two = dataclasses.replace(draft([(item, 1)]), total=1, subtotal=2)
    async with store.uow() as uow:
        with pytest.raises(DomainErrors):
            await place_order(uow, two, actor="guest")
    assert await count(owner_engine, "orders") == 0
    assert len(await outbox(owner_engine, store.id)) == events_before


async def test_placing_an_order_of_many_lines_takes_a_fixed_number_of_statements(
    make_store: MakeStore,
) -> None:
    store = await make_store()
    items = [await sellable(store, on_hand=10) for _ in range(6)]
    async with store.uow() as uow:
        await uow.session.connection()
        with statements(store.db.primary) as seen:
            await place_order(uow, draft([(i, 1) for i in items[:2]]), actor="guest")
        two = len(seen)
        with statements(store.db.primary) as seen:
            await place_order(uow, draft([(i, 2) for i in items]), actor="guest")
        await uow.commit()
    assert len(seen) == two, seen
