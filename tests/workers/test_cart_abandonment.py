"""The abandoned-cart sweep: idle carts with lines are reported once, whatever the number of sweeps,
after each store's own idle time; empty, converted and recently touched carts are left alone."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.cart.abandonment import set_cart_settings
from domain.cart.services import LineChange, add_lines, changeable_cart, mark_converted
from domain.db import Database, utcnow
from tests.fixtures.cart import cart_with, seed_shop
from tests.fixtures.database import fetch, outbox
from tests.fixtures.tenancy import MakeStore
from workers.carts import sweep_all


async def _abandoned(engine: AsyncEngine, store_id: object) -> list[str]:
    return sorted(e["data"]["id"] for e in await outbox(engine, store_id) if e["type"] == "cart.abandoned")  # type: ignore[arg-type]


async def test_idle_carts_are_reported_once_after_the_stores_idle_time(
    make_store: MakeStore, db: Database, owner_engine: AsyncEngine
) -> None:
    a, b = await make_store("a"), await make_store("b")
    shop_a, shop_b = await seed_shop(a), await seed_shop(b)
    async with b.uow() as uow:
        await set_cart_settings(uow, abandon_after_minutes=180, expire_after_days=30)
        await uow.commit()
    idle, _ = await cart_with(a, {shop_a.tee: 1})
    await cart_with(a, {})  # empty: nothing to recover
    converted, _ = await cart_with(a, {shop_a.tee: 1})
    async with a.uow() as uow:
        await mark_converted(uow, converted.id)
        await uow.commit()
    slow, _ = await cart_with(b, {shop_b.tee: 1})

    later = utcnow() + timedelta(minutes=61)
    # Two sweeps at once and one after: each cart is reported exactly once.
    await asyncio.gather(sweep_all(db, clock=lambda: later), sweep_all(db, clock=lambda: later))
    await sweep_all(db, clock=lambda: later)
    assert await _abandoned(owner_engine, a.id) == [str(idle.id)]
    assert await _abandoned(owner_engine, b.id) == []  # store b waits 3 hours
    (row,) = await fetch(owner_engine, "SELECT status, abandoned_at FROM carts WHERE id = :i", i=idle.id)
    assert row["status"] == "abandoned" and row["abandoned_at"] is not None

    much_later = utcnow() + timedelta(hours=4)
    await sweep_all(db, clock=lambda: much_later)
    assert await _abandoned(owner_engine, b.id) == [str(slow.id)]
    assert await _abandoned(owner_engine, a.id) == [str(idle.id)]


async def test_a_returning_shopper_reactivates_the_cart_without_a_second_report(
    make_store: MakeStore, db: Database, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    cart, token = await cart_with(store, {shop.tee: 1})
    later = utcnow() + timedelta(minutes=61)
    await sweep_all(db, clock=lambda: later)
    async with store.uow(clock=lambda: later) as uow:
        await add_lines(
            uow, await changeable_cart(uow, token=token, customer_id=None), [LineChange(shop.mug, 1)]
        )
        await uow.commit()
    (row,) = await fetch(owner_engine, "SELECT status FROM carts WHERE id = :i", i=cart.id)
    assert row["status"] == "active"
    await sweep_all(db, clock=lambda: later + timedelta(hours=2))
    assert await _abandoned(owner_engine, store.id) == [str(cart.id)]


async def test_carts_idle_past_the_expiry_expire(
    make_store: MakeStore, db: Database, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    cart, _ = await cart_with(store, {shop.tee: 1})
    await sweep_all(db, clock=lambda: utcnow() + timedelta(minutes=61))  # abandoned first
    await sweep_all(db, clock=lambda: utcnow() + timedelta(days=31))
    (row,) = await fetch(owner_engine, "SELECT status FROM carts WHERE id = :i", i=cart.id)
    assert row["status"] == "expired"
