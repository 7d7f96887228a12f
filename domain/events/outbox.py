"""Writing the outbox (inside a unit of work) and the relay's side of it (claim, mark processed)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from domain.events.envelope import EventEnvelope
from domain.events.models import OutboxEvent


async def write_events(session: AsyncSession, events: Sequence[EventEnvelope]) -> None:
    session.add_all(
        OutboxEvent(
            id=e.id,
            store_id=e.store_id,
            type=e.type,
            version=e.version,
            occurred_at=e.occurred_at,
            data=e.data,
            correlation_id=e.correlation_id,
        )
        for e in events
    )
    await session.flush()


def row_to_envelope(row: Any) -> EventEnvelope:
    return EventEnvelope(
        id=row.id,
        type=row.type,
        store_id=row.store_id,
        occurred_at=row.occurred_at,
        version=row.version,
        data=row.data,
        correlation_id=row.correlation_id,
    )


async def claim_events(conn: AsyncConnection, *, limit: int, stale_after_seconds: int) -> list[EventEnvelope]:
    """Claim events never handed to arq, and those handed over long ago but never processed (a lost job).

    Runs through a SECURITY DEFINER function: the relay serves every store, and the app role sees none
    without a store set. `FOR UPDATE SKIP LOCKED` lets several relays run side by side.
    """
    rows = (
        await conn.execute(
            text("SELECT * FROM stormcom_outbox_claim(:limit, make_interval(secs => :stale))"),
            {"limit": limit, "stale": stale_after_seconds},
        )
    ).all()
    return [row_to_envelope(r) for r in rows]


async def mark_processed(conn: AsyncConnection, event_ids: Sequence[uuid.UUID]) -> None:
    if event_ids:
        await conn.execute(text("SELECT stormcom_outbox_processed(:ids)"), {"ids": list(event_ids)})
