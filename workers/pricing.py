"""Pricing consumers and the schedule sweep.

`pricing.read_model` rebuilds the price ranges of the products a pricing event reprices (the whole store
for store-wide changes). `sweep_price_schedules` is an arq cron job: for every store with a sale start
or end since its last sweep it emits `price_list.schedule_passed`, which both this consumer and the cache
purge take, as they take any price change.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from domain.catalog.read_model import product_ids_of_store, refresh_products
from domain.db import Database, utcnow
from domain.events.envelope import EventEnvelope
from domain.pricing import events
from domain.pricing.schedule import due_stores, sweep_schedules
from domain.uow import UnitOfWork
from workers.context import worker_state
from workers.handlers import consumers

BATCH = 500


@consumers.register("pricing.read_model", *events.PRICE_AFFECTING)
async def refresh_prices(uow: UnitOfWork, envelope: EventEnvelope) -> None:
    if events.touches_all(envelope.data):
        ids = await product_ids_of_store(uow)
    else:
        ids = sorted({uuid.UUID(p) for p in events.affected_products(envelope.data)})
    for start in range(0, len(ids), BATCH):
        await refresh_products(uow, ids[start : start + BATCH])


async def sweep_all(db: Database, *, clock: Callable[[], datetime] = utcnow) -> dict[uuid.UUID, int]:
    """One sweep over every store with a boundary due; returns how many lists passed per store."""
    now = clock()
    async with db.primary.connect() as conn:
        stores = await due_stores(conn, now)
        await conn.commit()
    passed: dict[uuid.UUID, int] = {}
    for store_id in stores:
        uow = UnitOfWork(db.sessions, store_id=store_id, correlation_id="pricing-schedule", clock=clock)
        async with uow:
            passed[store_id] = len(await sweep_schedules(uow, now))
            await uow.commit()
    return passed


async def sweep_price_schedules(ctx: dict[str, Any]) -> int:
    """arq cron: refresh what scheduled sales started or ended since the last sweep."""
    return sum((await sweep_all(worker_state(ctx).db)).values())
