"""Telling a store's staff something happened that needs them (read through the admin API)."""

from __future__ import annotations

from typing import Any

from domain.notifications.models import StaffNotification
from domain.uow import UnitOfWork


async def notify(
    uow: UnitOfWork, *, kind: str, title: str, body: str, data: dict[str, Any]
) -> StaffNotification:
    """Record a notice in the unit of work's store; it commits with the change that caused it."""
    notice = StaffNotification(
        kind=kind, title=title[:200], body=body[:2000], data=data, created_at=uow.clock()
    )
    uow.session.add(notice)
    await uow.session.flush()
    return notice
