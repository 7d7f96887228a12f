"""A subscription's events: replay from the outbox after a given event, then live, with no gap and no
duplicate at the seam.

The seam: register with the live feed first (it buffers from that moment), then replay from the database
every event after the resume point, then drain the buffer, skipping what replay already delivered.
Positions are handed out in commit order and published only after their commit
(domain/events/positions.py), so an event published before the feed registered is visible to the replay,
and every event with a position up to the last replayed one was replayed: buffered events at or below it
are exactly the duplicates. After the seam, duplicates (a relay's sweep re-publishing) are dropped by id.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator

from domain.errors import DomainError
from domain.events.envelope import EventEnvelope
from domain.events.patterns import EventFilter, TypePatterns, is_valid
from domain.events.replay import events_after, position_of
from domain.uow import UnitOfWork
from resolvers.context import Context

REPLAY_PAGE = 500
RECENT_IDS = 10_000

UNKNOWN_EVENT = "UNKNOWN_EVENT"
INVALID_TYPES = "INVALID_TYPES"
NOT_GRANTED = "NOT_GRANTED"


def event_filter(ctx: Context, types: list[str] | None) -> EventFilter:
    """The token's grants, narrowed by the requested type patterns."""
    granted = ctx.event_grants if ctx.event_grants is not None else TypePatterns.of(())
    if granted.empty:
        raise DomainError(NOT_GRANTED, "this token is granted no event types")
    if types is None:
        return EventFilter(granted)
    bad = [t for t in types if not is_valid(t)]
    if bad or not types:
        raise DomainError(
            INVALID_TYPES, "types must be event type patterns (`order.created`, `order.*`, `*`)"
        )
    return EventFilter(granted, TypePatterns.of(types))


def _primary(ctx: Context) -> UnitOfWork:
    # The primary, not a replica: a lagging replica could miss events the live feed already passed.
    return UnitOfWork(
        ctx.db.sessions,
        store_id=ctx.principal.store_id,
        organization_id=ctx.principal.organization_id,
        readonly=True,
    )


async def _resume_point(ctx: Context, after: str) -> int:
    try:
        event_id = uuid.UUID(after)
    except ValueError:
        raise DomainError(UNKNOWN_EVENT, "`after` is not an event id") from None
    async with _primary(ctx) as uow:
        position = await position_of(uow, event_id)
    if position is None:
        raise DomainError(UNKNOWN_EVENT, "no event of this store with this id has been relayed")
    return position


async def stream_events(
    ctx: Context, *, types: list[str] | None, after: str | None = None
) -> AsyncIterator[EventEnvelope]:
    """The store's events the token is granted (and `types` asks for): those after `after`, then live."""
    only = event_filter(ctx, types)
    if ctx.events is None:
        raise DomainError("EVENTS_UNAVAILABLE", "this endpoint serves no live events")
    start = await _resume_point(ctx, after) if after is not None else None
    recent: OrderedDict[uuid.UUID, None] = OrderedDict()
    async with ctx.events.subscribe(ctx.principal.store_id, only) as live:
        last = start
        if start is not None:
            while True:
                async with _primary(ctx) as uow:
                    page = await events_after(uow, position=last or 0, only=only, limit=REPLAY_PAGE)
                for event in page:
                    yield event
                if page:
                    last = page[-1].position
                if len(page) < REPLAY_PAGE:
                    break
        while True:
            event = await live.get()
            if last is not None and event.position is not None and event.position <= last:
                continue  # replayed already (the seam), or older than the resume point
            if event.id in recent:
                continue
            recent[event.id] = None
            if len(recent) > RECENT_IDS:
                recent.popitem(last=False)
            yield event
