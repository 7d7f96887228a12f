"""The abandoned-cart sweep, an arq cron job: for every store with a cart idle past its threshold, mark
the carts abandoned and emit `cart.abandoned` (once per cart: domain/cart/abandonment.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from domain.cart.abandonment import idle_stores, sweep_store
from domain.db import Database, utcnow
from domain.uow import UnitOfWork
from workers.context import worker_state


async def sweep_all(db: Database, *, clock: Callable[[], datetime] = utcnow) -> dict[uuid.UUID, int]:
    """One sweep; returns how many carts each store marked abandoned."""
    now = clock()
    async with db.primary.connect() as conn:
        stores = await idle_stores(conn, now)
        await conn.commit()
    marked: dict[uuid.UUID, int] = {}
    for store_id in stores:
        uow = UnitOfWork(db.sessions, store_id=store_id, correlation_id="cart-abandonment", clock=clock)
        async with uow:
            marked[store_id] = len(await sweep_store(uow, now))
            await uow.commit()
    return marked


async def sweep_abandoned_carts(ctx: dict[str, Any]) -> int:
    """arq cron: report carts left idle."""
    return sum((await sweep_all(worker_state(ctx).db)).values())
