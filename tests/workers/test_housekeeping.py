"""Housekeeping crons: expired idempotency keys, code reservations and stock reservations go, in every
store, fresh ones stay, two sweeps at once do the work once, and the crons are registered."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import Database
from domain.idempotency.services import claim
from domain.inventory.availability import available
from domain.inventory.reservations import reserve
from domain.promotions.codes import create_code
from domain.promotions.inputs import CodeCreateInput, PromotionCreateInput
from domain.promotions.limits import PromotionLimits
from domain.promotions.models import PromotionKind
from domain.promotions.redemption import reserve_code
from domain.promotions.services import create_promotion
from tests.fixtures.database import fetch
from tests.fixtures.orders import ManualClock, ledger_mismatches, sellable
from tests.fixtures.tenancy import MakeStore, StoreFixture
from workers.housekeeping import (
    CODE_RESERVATIONS,
    IDEMPOTENCY_KEYS,
    STOCK_RESERVATIONS,
    purge_idempotency_keys,
    purge_stock_reservations,
    release_code_reservations,
    run_chore,
)
from workers.settings import WorkerSettings

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


async def _keys(store: StoreFixture, clock: ManualClock, *names: str) -> None:
    for name in names:
        async with store.uow(clock=clock) as uow:
            await claim(uow, scope="tok", key=name, operation="checkoutComplete", payload={"k": name})
            await uow.commit()


async def test_idempotency_keys_past_retention_go_in_every_store_and_fresh_ones_stay(
    make_store: MakeStore, db: Database, owner_engine: AsyncEngine
) -> None:
    a, b = await make_store("a"), await make_store("b")
    clock = ManualClock(NOW)
    await _keys(a, clock, "old-1", "old-2")
    await _keys(b, clock, "old-3")
    clock.advance(hours=1)
    await _keys(a, clock, "fresh")
    clock.advance(hours=23, seconds=1)

    # Small batches, two sweeps at once: every old key goes once, the fresh one stays.
    runs = await asyncio.gather(
        run_chore(db, IDEMPOTENCY_KEYS, clock=clock, batch=1),
        run_chore(db, IDEMPOTENCY_KEYS, clock=clock, batch=1),
    )
    assert sum(n for run in runs for n in run.values()) == 3
    rows = await fetch(owner_engine, "SELECT store_id, key FROM idempotency_keys")
    assert [(r["store_id"], r["key"]) for r in rows] == [(a.id, "fresh")]
    assert await run_chore(db, IDEMPOTENCY_KEYS, clock=clock) == {}


async def _code(store: StoreFixture, **rules: object) -> uuid.UUID:
    async with store.uow() as uow:
        promotion = await create_promotion(
            uow,
            PromotionCreateInput(
                name="Eid",
                kind=PromotionKind.CODE,
                action={"type": "order_percent", "percent": 10},
                active=True,
            ),
            limits=PromotionLimits(),
        )
        row = await create_code(uow, promotion.id, CodeCreateInput.model_validate({"code": "EID10", **rules}))
        await uow.commit()
    return row.id


async def _reserve_code(
    store: StoreFixture, reference: str, *, at: datetime, customer: uuid.UUID | None = None
) -> None:
    async with store.uow() as uow:
        await reserve_code(
            uow,
            "EID10",
            reference=reference,
            customer_id=customer,
            subtotal=100_000,
            first_order=False,
            now=at,
        )
        await uow.commit()


async def test_expired_code_reservations_give_their_uses_back_once(
    make_store: MakeStore, db: Database, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    code_id = await _code(store, usage_limit=10, per_customer_limit=5)
    shopper, other = sorted([uuid.uuid4(), uuid.uuid4()])
    for n in range(3):
        await _reserve_code(store, f"old-{n}", at=NOW, customer=shopper)
    await _reserve_code(store, "old-other", at=NOW, customer=other)
    await _reserve_code(store, "fresh", at=NOW + timedelta(minutes=20), customer=shopper)

    later = NOW + timedelta(minutes=31)
    runs = await asyncio.gather(
        run_chore(db, CODE_RESERVATIONS, clock=lambda: later, batch=2),
        run_chore(db, CODE_RESERVATIONS, clock=lambda: later, batch=2),
    )
    assert sum(n for run in runs for n in run.values()) == 4
    (code,) = await fetch(owner_engine, "SELECT used FROM discount_codes WHERE id = :i", i=code_id)
    usage = await fetch(owner_engine, "SELECT used FROM discount_code_customer_usage ORDER BY customer_id")
    assert (code["used"], [u["used"] for u in usage]) == (1, [1, 0])
    rows = await fetch(owner_engine, "SELECT reference, status FROM discount_code_redemptions ORDER BY 1")
    assert {r["reference"]: r["status"] for r in rows} == {
        "fresh": "reserved",
        "old-0": "released",
        "old-1": "released",
        "old-2": "released",
        "old-other": "released",
    }
    assert await run_chore(db, CODE_RESERVATIONS, clock=lambda: later) == {}


async def test_expired_stock_reservations_go_without_touching_stock_or_the_ledger(
    make_store: MakeStore, db: Database, owner_engine: AsyncEngine
) -> None:
    a, b = await make_store("a"), await make_store("b")
    item_a, item_b = await sellable(a, on_hand=10), await sellable(b, on_hand=5)
    clock = ManualClock(NOW)
    for holder in ("c1", "c2", "c3"):
        async with a.uow(clock=clock) as uow:
            await reserve(uow, [(item_a.variant_id, 1)], holder=holder, ttl=timedelta(minutes=15))
            await uow.commit()
    async with b.uow(clock=clock) as uow:
        await reserve(uow, [(item_b.variant_id, 2)], holder="c4", ttl=timedelta(minutes=15))
        await uow.commit()
    async with a.uow(clock=clock) as uow:
        await reserve(uow, [(item_a.variant_id, 4)], holder="fresh", ttl=timedelta(minutes=30))
        await uow.commit()
    before = await fetch(owner_engine, "SELECT variant_id, on_hand FROM stock_levels ORDER BY 1")
    ledger_rows = await fetch(owner_engine, "SELECT count(*) AS n FROM inventory_adjustments")

    clock.advance(minutes=16)
    runs = await asyncio.gather(
        run_chore(db, STOCK_RESERVATIONS, clock=clock, batch=1),
        run_chore(db, STOCK_RESERVATIONS, clock=clock, batch=1),
    )
    assert sum(n for run in runs for n in run.values()) == 4
    rows = await fetch(owner_engine, "SELECT holder, quantity FROM stock_reservations")
    assert [(r["holder"], r["quantity"]) for r in rows] == [("fresh", 4)]
    # Nothing moved: on-hand, the ledger (no row written) and what is free to sell.
    assert await fetch(owner_engine, "SELECT variant_id, on_hand FROM stock_levels ORDER BY 1") == before
    assert await fetch(owner_engine, "SELECT count(*) AS n FROM inventory_adjustments") == ledger_rows
    assert await ledger_mismatches(owner_engine, a.id) == []
    assert await ledger_mismatches(owner_engine, b.id) == []
    async with a.uow(clock=clock) as uow:
        assert (await available(uow, [item_a.variant_id]))[item_a.variant_id].available == 6


def test_the_housekeeping_crons_are_registered() -> None:
    names = {job.coroutine for job in WorkerSettings.cron_jobs}
    assert {purge_idempotency_keys, release_code_reservations, purge_stock_reservations} <= names
    by_name = {job.name: job for job in WorkerSettings.cron_jobs}
    # Code uses held by abandoned checkouts come back within a minute; one run per tick across workers.
    every_minute = by_name["cron:release_code_reservations"]
    assert every_minute.minute is None and every_minute.second == {45} and every_minute.unique
