"""Batch reads for the webhook area's loaders; results come back in key order."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription


async def subscriptions_by_id(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> list[WebhookSubscription | None]:
    stmt = select(WebhookSubscription).where(WebhookSubscription.id.in_(ids))
    rows = {s.id: s for s in (await session.scalars(stmt)).all()}
    return [rows.get(i) for i in ids]


async def deliveries_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[WebhookDelivery | None]:
    rows = {
        d.id: d
        for d in (await session.scalars(select(WebhookDelivery).where(WebhookDelivery.id.in_(ids)))).all()
    }
    return [rows.get(i) for i in ids]


async def attempts_by_delivery(
    session: AsyncSession, delivery_ids: Sequence[uuid.UUID]
) -> list[list[WebhookAttempt]]:
    grouped: dict[uuid.UUID, list[WebhookAttempt]] = defaultdict(list)
    stmt = (
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id.in_(delivery_ids))
        .order_by(WebhookAttempt.delivery_id, WebhookAttempt.number)
    )
    for attempt in (await session.scalars(stmt)).all():
        grouped[attempt.delivery_id].append(attempt)
    return [grouped.get(i, []) for i in delivery_ids]
