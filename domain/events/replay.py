"""Reading a store's relayed events back in position order, for subscribers that resume."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from domain.events.envelope import EventEnvelope
from domain.events.models import OutboxEvent
from domain.events.patterns import EventFilter
from domain.uow import UnitOfWork


async def position_of(uow: UnitOfWork, event_id: uuid.UUID) -> int | None:
    """The position of one of the store's events; None when unknown here or not relayed yet."""
    found = await uow.session.scalar(
        select(OutboxEvent.stream_position).where(
            OutboxEvent.id == event_id, OutboxEvent.stream_position.is_not(None)
        )
    )
    return int(found) if found is not None else None


async def events_after(
    uow: UnitOfWork, *, position: int, only: EventFilter, limit: int
) -> list[EventEnvelope]:
    """The store's relayed events after `position` that `only` lets through, in position order."""
    rows = await uow.session.execute(
        select(
            OutboxEvent.id,
            OutboxEvent.type,
            OutboxEvent.store_id,
            OutboxEvent.occurred_at,
            OutboxEvent.version,
            OutboxEvent.data,
            OutboxEvent.correlation_id,
            OutboxEvent.stream_position,
        )
        .where(OutboxEvent.stream_position > position, only.where(OutboxEvent.type))
        .order_by(OutboxEvent.stream_position)
        .limit(limit)
    )
    return [
        EventEnvelope(
            id=r.id,
            type=r.type,
            store_id=r.store_id,
            occurred_at=r.occurred_at,
            version=r.version,
            data=r.data,
            correlation_id=r.correlation_id,
            position=r.stream_position,
        )
        for r in rows
    ]
