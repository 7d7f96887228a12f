"""Scheduled sales start and end without anybody writing: a periodic sweep finds the lists whose start or
end passed since the last sweep and emits `price_list.schedule_passed` naming their products, so the
read model and the response cache catch up as they do for any price change."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import or_, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.pricing import events
from domain.pricing.models import PriceList, PricingSettings
from domain.pricing.support import products_of_list
from domain.uow import UnitOfWork

_DUE_STORES = text("SELECT stormcom_pricing_due_stores(:until) AS store_id")


async def due_stores(conn: AsyncConnection, until: datetime) -> list[uuid.UUID]:
    """Stores with a list boundary after their last sweep and at or before `until` (every store)."""
    return sorted(r.store_id for r in await conn.execute(_DUE_STORES, {"until": until}))


async def sweep_schedules(uow: UnitOfWork, now: datetime) -> list[uuid.UUID]:
    """Emit one event per list whose boundary fell in (last sweep, now]; remember `now`. Returns the
    lists. The caller commits; a sweep that fails leaves the mark, so the next one covers the window."""
    settings = await uow.session.get(PricingSettings, uow.store_id, with_for_update=True)
    since = settings.schedule_checked_until if settings else None

    def passed(column: object) -> object:
        window = column <= now  # type: ignore[operator]
        return window if since is None else window & (column > since)  # type: ignore[operator]

    due = list(
        (
            await uow.session.scalars(
                select(PriceList)
                .where(or_(passed(PriceList.starts_at), passed(PriceList.ends_at)))  # type: ignore[arg-type]
                .order_by(PriceList.code)
            )
        ).all()
    )
    for row in due:
        uow.emit(
            events.PRICE_SCHEDULE_PASSED,
            {
                "id": str(row.id),
                "code": row.code,
                "starts_at": row.starts_at.isoformat() if row.starts_at else None,
                "ends_at": row.ends_at.isoformat() if row.ends_at else None,
                "product_ids": await products_of_list(uow, row.id),
            },
        )
    stmt = insert(PricingSettings).values(store_id=uow.store_id, schedule_checked_until=now)
    await uow.session.execute(
        stmt.on_conflict_do_update(
            index_elements=[PricingSettings.store_id], set_={"schedule_checked_until": now}
        )
    )
    return [row.id for row in due]
