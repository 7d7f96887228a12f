"""Abandoned carts: an active cart with lines, idle longer than the store's `abandon_after_minutes`,
becomes abandoned and `cart.abandoned` is emitted, once per cart.

The status moves by a conditional `UPDATE … WHERE status = 'active' AND abandoned_at IS NULL … RETURNING`,
in the transaction that writes the events, so two sweeps at once (or a sweep re-run after a crash) can
never emit twice: the second finds nothing to update. `abandoned_at` stays set if the shopper comes back
(the cart turns active again on any change), so a cart is reported abandoned at most once. Carts idle
past `expire_after_days` expire."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import exists, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.cart import events
from domain.cart.models import Cart, CartLine, CartSettings, CartStatus
from domain.cart.settings import cart_settings
from domain.uow import UnitOfWork

BATCH = 500


async def idle_stores(conn: AsyncConnection, now: datetime) -> list[uuid.UUID]:
    """Stores with an active cart idle past their threshold (a definer function: it reads every store)."""
    rows = await conn.execute(text("SELECT * FROM stormcom_carts_idle_stores(:now)"), {"now": now})
    return [r[0] for r in rows]


async def _settings(uow: UnitOfWork) -> tuple[int, int]:
    found = await cart_settings(uow)
    return found.abandon_after_minutes, found.expire_after_days


async def set_cart_settings(uow: UnitOfWork, *, abandon_after_minutes: int, expire_after_days: int) -> None:
    row = await uow.session.get(CartSettings, uow.store_id, with_for_update=True)
    if row is None:
        row = CartSettings(store_id=uow.store_id)
        uow.session.add(row)
    row.abandon_after_minutes, row.expire_after_days = abandon_after_minutes, expire_after_days
    await uow.session.flush()


async def sweep_store(uow: UnitOfWork, now: datetime) -> list[uuid.UUID]:
    """Mark this store's idle carts abandoned (emitting one event each) and expire stale ones; returns
    the ids marked abandoned. The caller commits."""
    abandon_minutes, expire_days = await _settings(uow)
    has_lines = exists().where(CartLine.cart_id == Cart.id)
    idle = (
        select(Cart.id)
        .where(
            Cart.status == CartStatus.ACTIVE,
            Cart.abandoned_at.is_(None),
            Cart.last_activity_at <= now - timedelta(minutes=abandon_minutes),
            has_lines,
        )
        .order_by(Cart.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    marked = await uow.session.execute(
        update(Cart)
        .where(Cart.id.in_(idle), Cart.status == CartStatus.ACTIVE, Cart.abandoned_at.is_(None))
        .values(status=CartStatus.ABANDONED, abandoned_at=now)
        .returning(Cart.id, Cart.customer_id, Cart.email, Cart.phone, Cart.currency, Cart.last_activity_at)
        .execution_options(synchronize_session=False)
    )
    ids = []
    for row in marked:
        ids.append(row.id)
        uow.emit(
            events.CART_ABANDONED,
            {
                "id": str(row.id),
                "customer_id": str(row.customer_id) if row.customer_id else None,
                "email": row.email,
                "phone": row.phone,
                "currency": row.currency,
                "last_activity_at": row.last_activity_at.isoformat(),
            },
        )
    await uow.session.execute(
        update(Cart)
        .where(
            Cart.status.in_((CartStatus.ACTIVE, CartStatus.ABANDONED)),
            Cart.last_activity_at <= now - timedelta(days=expire_days),
        )
        .values(status=CartStatus.EXPIRED)
        .execution_options(synchronize_session=False)
    )
    return ids
