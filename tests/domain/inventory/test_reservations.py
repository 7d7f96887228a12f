"""Reservations: they hold units for a checkout until they expire, and expiry needs no sweeper."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError
from domain.inventory.availability import available
from domain.inventory.ledger import Reference
from domain.inventory.models import InventoryPolicy
from domain.inventory.reservations import commit_sale, purge_expired, release, reserve
from tests.fixtures.database import count, fetch, statements
from tests.fixtures.orders import ManualClock, ledger_mismatches, sellable
from tests.fixtures.tenancy import MakeStore


async def test_a_reservation_holds_units_until_it_expires_without_any_cleanup(make_store: MakeStore) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=10)
    clock = ManualClock()
    async with store.uow(clock=clock) as uow:
        await reserve(uow, [(item.variant_id, 4)], holder="checkout-1", ttl=timedelta(minutes=15))
        await uow.commit()
    async with store.uow(clock=clock) as uow:
        assert (await available(uow, [item.variant_id]))[item.variant_id].available == 6
    # when the reservation's time passes, and nothing deletes it
    clock.advance(minutes=15, seconds=1)
    async with store.uow(clock=clock) as uow:
        assert (await available(uow, [item.variant_id]))[item.variant_id].available == 10


async def test_reserving_more_than_is_free_fails_and_reserves_nothing(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    a = await sellable(store, on_hand=5)
    b = await sellable(store, on_hand=1)
    async with store.uow() as uow:
        await reserve(uow, [(a.variant_id, 3)], holder="other")
        await uow.commit()
    async with store.uow() as uow:
        with pytest.raises(DomainError) as err:
            await reserve(uow, [(b.variant_id, 1), (a.variant_id, 3)], holder="mine")
        await uow.rollback()
    assert (err.value.code, err.value.field) == ("INSUFFICIENT_STOCK", "lines.1.quantity")
    assert await count(owner_engine, "stock_reservations") == 1


async def test_reserving_again_replaces_the_holders_reservation(make_store: MakeStore) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=5)
    for qty in (5, 2):
        async with store.uow() as uow:
            await reserve(uow, [(item.variant_id, qty)], holder="checkout-1")
            await uow.commit()
    async with store.uow() as uow:
        assert (await available(uow, [item.variant_id]))[item.variant_id].available == 3
        await release(uow, "checkout-1")
        await uow.commit()
    async with store.uow() as uow:
        assert (await available(uow, [item.variant_id]))[item.variant_id].available == 5


async def test_backorder_and_untracked_variants_reserve_without_limit(make_store: MakeStore) -> None:
    store = await make_store()
    back = await sellable(store, on_hand=1, policy=InventoryPolicy.BACKORDER)
    free = await sellable(store, on_hand=0, track=False)
    async with store.uow() as uow:
        await reserve(uow, [(back.variant_id, 5), (free.variant_id, 100)], holder="c")
        sold = await commit_sale(
            uow, [(back.variant_id, 5)], holder="c", reference=Reference("order", uuid.uuid4()), actor="t"
        )
        await uow.commit()
    assert sum(a.quantity for a in sold) == 5
    async with store.uow() as uow:
        got = await available(uow, [back.variant_id, free.variant_id])
    assert got[back.variant_id].allow_backorder and got[back.variant_id].can_sell(10)
    assert got[free.variant_id].available is None


async def test_reserve_takes_four_statements_whatever_the_lines(make_store: MakeStore) -> None:
    store = await make_store()
    items = [await sellable(store, on_hand=10) for _ in range(5)]
    async with store.uow() as uow:
        await uow.session.connection()
        with statements(store.db.primary) as seen:
            await reserve(uow, [(i.variant_id, 1) for i in items], holder="c")
        await uow.commit()
    assert len(seen) == 4, seen


async def test_concurrent_sales_of_the_last_units_never_oversell(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    # given 10 units and 30 checkouts of one unit each, all at once on separate connections
    store = await make_store()
    item = await sellable(store, on_hand=10)

    async def buy(n: int) -> str:
        async with store.uow() as uow:
            try:
                await reserve(uow, [(item.variant_id, 1)], holder=f"c{n}")
                await uow.commit()
                await commit_sale(
                    uow,
                    [(item.variant_id, 1)],
                    holder=f"c{n}",
                    reference=Reference("order", uuid.uuid4()),
                    actor="t",
                )
                await uow.commit()
                return "ok"
            except DomainError as exc:
                await uow.rollback()
                return exc.code

    results = await asyncio.gather(*(buy(n) for n in range(30)))
    # then exactly 10 sold, on-hand is 0 and the books balance
    assert sorted(set(results)) == ["INSUFFICIENT_STOCK", "ok"] and results.count("ok") == 10
    rows = await fetch(
        owner_engine, "SELECT on_hand FROM stock_levels WHERE variant_id = :v", v=item.variant_id
    )
    assert [r["on_hand"] for r in rows] == [0]
    assert await ledger_mismatches(owner_engine, store.id) == []


async def test_purging_expired_reservations_keeps_live_ones_and_the_ledger_balanced(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    item = await sellable(store, on_hand=10)
    clock = ManualClock()
    async with store.uow(clock=clock) as uow:
        await reserve(uow, [(item.variant_id, 3)], holder="gone", ttl=timedelta(minutes=15))
        await reserve(uow, [(item.variant_id, 2)], holder="live", ttl=timedelta(minutes=45))
        await uow.commit()
    books = "SELECT sum(delta) AS total, count(*) AS n FROM inventory_adjustments"
    ledger = await fetch(owner_engine, books)
    clock.advance(minutes=20)
    async with store.uow(clock=clock) as uow:
        assert await purge_expired(uow, now=clock()) == 1
        await uow.commit()
    rows = await fetch(owner_engine, "SELECT holder FROM stock_reservations")
    assert [r["holder"] for r in rows] == ["live"]
    assert await fetch(owner_engine, books) == ledger
    assert await ledger_mismatches(owner_engine, store.id) == []
    async with store.uow(clock=clock) as uow:
        assert (await available(uow, [item.variant_id]))[item.variant_id].available == 8
