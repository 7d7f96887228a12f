"""The payment re-query sweep, an arq cron job: attempts pending past the setting are asked about at
their provider and settled as their callbacks would have (domain/payments/requery.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx

from domain.db import Database, utcnow
from domain.payments.providers import Providers
from domain.payments.requery import RequeryPolicy, RequeryReport, pending_stores, requery_store
from domain.uow import UnitOfWork
from gateway.settings import Settings
from workers.context import worker_state


def policy_of(settings: Settings) -> RequeryPolicy:
    return RequeryPolicy(
        after=timedelta(minutes=settings.payments_requery_after_minutes),
        expire_after=timedelta(minutes=settings.payments_expire_after_minutes),
        batch=settings.payments_requery_batch,
    )


def providers_for(settings: Settings) -> Providers:
    return Providers(
        client=httpx.AsyncClient(timeout=settings.payments_timeout_seconds, follow_redirects=False)
    )


async def requery_all(
    db: Database, providers: Providers, policy: RequeryPolicy, *, clock: Callable[[], datetime] = utcnow
) -> dict[uuid.UUID, RequeryReport]:
    """One sweep over every store with stale pending attempts (one batch each)."""
    now = clock()
    async with db.primary.connect() as conn:
        stores = await pending_stores(conn, now - policy.after)
        await conn.commit()
    reports: dict[uuid.UUID, RequeryReport] = {}
    for store_id in stores:
        uow = UnitOfWork(db.sessions, store_id=store_id, correlation_id="payment-requery", clock=clock)
        async with uow:
            reports[store_id] = await requery_store(uow, providers=providers, policy=policy, now=now)
    return reports


async def requery_pending_payments(ctx: dict[str, Any]) -> int:
    """arq cron: re-query payment attempts stuck in pending; returns how many moved."""
    state = worker_state(ctx)
    if state.payments is None:
        raise RuntimeError("worker started without payment providers")
    reports = await requery_all(state.db, state.payments, policy_of(state.settings))
    return sum(sum(r.moved.values()) for r in reports.values())
