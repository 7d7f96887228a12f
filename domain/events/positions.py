"""Commit-ordered positions of outbox events: the relay numbers what it hands over, under a lock.

Subscribers resume "after event X" by position (domain/events/replay.py). For that to miss nothing, a
position must become visible only after every smaller one: `stormcom_outbox_sequence` numbers events
under a transaction-level advisory lock, so positions are handed out in commit order. The relay holds the
same lock at session level from claim to publish (`publication_lock`), so the live stream is published in
position order too (docs/adr/0013-subscriptions.md).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

# The advisory lock key of the migration (20261128_0009_event_stream.POSITION_LOCK).
POSITION_LOCK = 7_013_001


async def assign_positions(conn: AsyncConnection, event_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Number the events that have no position yet; return every given event's position."""
    if not event_ids:
        return {}
    rows = await conn.execute(text("SELECT * FROM stormcom_outbox_sequence(:ids)"), {"ids": list(event_ids)})
    return {r.id: int(r.stream_position) for r in rows if r.stream_position is not None}


@contextlib.asynccontextmanager
async def publication_lock(conn: AsyncConnection) -> AsyncIterator[None]:
    """Hold the position lock on this connection's session until the block ends (claim → commit →
    publish), so relays publish one batch at a time, in position order. A relay that dies drops its
    connection, and PostgreSQL releases the lock with it."""
    await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": POSITION_LOCK})
    await conn.commit()
    try:
        yield
    finally:
        try:
            await conn.rollback()
            await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": POSITION_LOCK})
            await conn.commit()
        except Exception:
            # A pooled connection must never keep the lock: drop it, and the lock goes with it.
            await conn.invalidate()
            raise
