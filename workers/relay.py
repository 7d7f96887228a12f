"""The outbox relay: moves committed events to arq jobs (job id = event id) and Redis pub/sub.

It claims events nobody has handed over yet, and (the sweep) events handed over long ago but never
processed: their job was lost, e.g. in a worker crash. Re-enqueueing is safe because arq refuses a second
job with the same id while the first exists, and consumers deduplicate by event id anyway.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid

from arq.connections import ArqRedis

from domain.db import Database
from domain.events.channels import store_channel
from domain.events.outbox import claim_events
from domain.events.positions import assign_positions, publication_lock
from gateway.settings import Settings

log = logging.getLogger(__name__)
HANDLE_EVENT = "handle_event"


def channel(settings: Settings, store_id: uuid.UUID | str) -> str:
    return store_channel(settings.event_channel_prefix, store_id)


async def relay_once(
    db: Database, arq: ArqRedis, settings: Settings, *, stale_after: int | None = None
) -> int:
    """Claim one batch, enqueue and publish it; return how many events were handed over."""
    stale = settings.relay_stale_after_seconds if stale_after is None else stale_after
    # Claim, number and publish under the position lock, publishing only after the commit: a subscriber
    # that replays from the database and then reads the live stream misses nothing and sees positions in
    # order (domain/events/positions.py).
    async with db.primary.connect() as conn, publication_lock(conn):
        events = await claim_events(conn, limit=settings.relay_batch_size, stale_after_seconds=stale)
        positions = await assign_positions(conn, [e.id for e in events])
        await conn.commit()
        if events:
            pipe = arq.pipeline(transaction=False)
            for event in sorted(events, key=lambda e: positions.get(e.id, 0)):
                live = {**event.to_json(), "position": positions.get(event.id)}
                pipe.publish(channel(settings, event.store_id), json.dumps(live, ensure_ascii=False))
            await pipe.execute()
    for event in events:
        payload = event.to_json()
        await arq.enqueue_job(HANDLE_EVENT, payload, _job_id=str(event.id), _queue_name=settings.arq_queue)
    if events:
        log.info("relayed events", extra={"count": len(events)})
    return len(events)


async def relay_forever(db: Database, arq: ArqRedis, settings: Settings) -> None:
    while True:
        try:
            moved = await relay_once(db, arq, settings)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("relay pass failed; retrying")
            moved = 0
        if moved < settings.relay_batch_size:
            await asyncio.sleep(settings.relay_interval_seconds)
