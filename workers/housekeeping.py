"""Housekeeping crons: rows past their expiry are purged so they do not pile up.

- idempotency keys past their 24 hours (domain/idempotency/services.purge_expired);
- discount code reservations whose checkout never finished: their uses go back to the code
  (domain/promotions/redemption.release_expired; this one matters for correctness, a held use counts
  against the code's limit until released);
- stock reservations past their expiry (domain/inventory/reservations.purge_expired; they already count
  for nothing, and deleting them writes no ledger row).

Each chore finds the stores with something due through a definer function, then works in each store's
own scope in batches, one short transaction per batch, so no run holds locks for long. The domain
functions skip rows other transactions hold, so two workers sweeping at once do disjoint work; arq's
`unique` cron jobs make that rare anyway.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from domain.db import Database, utcnow
from domain.idempotency import services as idempotency
from domain.inventory import reservations as stock
from domain.promotions import redemption as codes
from domain.uow import UnitOfWork
from workers.context import worker_state

# Rows per transaction, and transactions per store per run: the next run carries on after a backlog.
BATCH = 500
MAX_BATCHES = 20


@dataclass(frozen=True, slots=True)
class Chore:
    name: str
    due_stores: Callable[[AsyncConnection, datetime], Awaitable[list[uuid.UUID]]]
    purge: Callable[[UnitOfWork, datetime, int], Awaitable[int]]


async def _idempotency_keys(uow: UnitOfWork, now: datetime, batch: int) -> int:
    return await idempotency.purge_expired(uow, batch=batch)


async def _code_reservations(uow: UnitOfWork, now: datetime, batch: int) -> int:
    return await codes.release_expired(uow, now=now, batch=batch)


async def _stock_reservations(uow: UnitOfWork, now: datetime, batch: int) -> int:
    return await stock.purge_expired(uow, now=now, batch=batch)


IDEMPOTENCY_KEYS = Chore("idempotency-keys", idempotency.stores_with_expired, _idempotency_keys)
CODE_RESERVATIONS = Chore("code-reservations", codes.stores_with_expired, _code_reservations)
STOCK_RESERVATIONS = Chore("stock-reservations", stock.stores_with_expired, _stock_reservations)


async def run_chore(
    db: Database,
    chore: Chore,
    *,
    clock: Callable[[], datetime] = utcnow,
    batch: int = BATCH,
    max_batches: int = MAX_BATCHES,
) -> dict[uuid.UUID, int]:
    """One run of `chore` over every store with rows due; returns how many rows each store lost."""
    now = clock()
    async with db.primary.connect() as conn:
        stores = await chore.due_stores(conn, now)
        await conn.commit()
    done: dict[uuid.UUID, int] = {}
    for store_id in stores:
        total = 0
        for _ in range(max_batches):
            uow = UnitOfWork(
                db.sessions, store_id=store_id, correlation_id=f"housekeeping:{chore.name}", clock=clock
            )
            async with uow:
                n = await chore.purge(uow, now, batch)
                await uow.commit()
            total += n
            if n < batch:
                break
        done[store_id] = total
    return done


async def purge_idempotency_keys(ctx: dict[str, Any]) -> int:
    """arq cron: delete idempotency keys past retention."""
    return sum((await run_chore(worker_state(ctx).db, IDEMPOTENCY_KEYS)).values())


async def release_code_reservations(ctx: dict[str, Any]) -> int:
    """arq cron: give back the uses of discount codes held by checkouts that never finished."""
    return sum((await run_chore(worker_state(ctx).db, CODE_RESERVATIONS)).values())


async def purge_stock_reservations(ctx: dict[str, Any]) -> int:
    """arq cron: delete stock reservations past their expiry."""
    return sum((await run_chore(worker_state(ctx).db, STOCK_RESERVATIONS)).values())
