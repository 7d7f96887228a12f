"""Batch reads of staff notifications for loaders; results come back in key order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.notifications.models import StaffNotification


async def notifications_by_id(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[StaffNotification | None]:
    stmt = select(StaffNotification).where(StaffNotification.id.in_(ids))
    rows = {n.id: n for n in (await session.scalars(stmt)).all()}
    return [rows.get(i) for i in ids]
