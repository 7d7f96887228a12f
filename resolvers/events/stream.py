"""Streaming the caller's store's domain events from Redis pub/sub (the relay publishes them)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

from domain.events.channels import store_channel
from domain.events.envelope import EventEnvelope
from resolvers.context import Context

log = logging.getLogger(__name__)


async def stream_events(ctx: Context, types: list[str] | None) -> AsyncIterator[EventEnvelope]:
    """Yield each event of the store once, filtered by type; duplicates from a relay sweep are dropped."""
    wanted = set(types or ())
    seen: dict[str, None] = {}
    pubsub = ctx.redis.pubsub()
    await pubsub.subscribe(store_channel(ctx.event_channel_prefix, ctx.principal.store_id))
    try:
        while True:
            # Poll with a timeout below the client's socket_timeout: listen() would block on the read
            # and fail with "Timeout reading" whenever the store is quiet for that long.
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.5)
            if message is None or message.get("type") != "message":
                continue
            try:
                envelope = EventEnvelope.from_json(json.loads(message["data"]))
            except (ValueError, KeyError, TypeError):
                log.warning("undecodable event on the store channel")
                continue
            key = str(envelope.id)
            if key in seen or (wanted and envelope.type not in wanted):
                continue
            seen[key] = None
            if len(seen) > 10_000:
                seen.pop(next(iter(seen)))
            yield envelope
    finally:
        await pubsub.unsubscribe()
        await pubsub.aclose()  # type: ignore[no-untyped-call]
