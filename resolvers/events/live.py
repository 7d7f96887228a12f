"""The port to the live event stream of this process (the gateway's hub implements it)."""

from __future__ import annotations

import uuid
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from domain.events.envelope import EventEnvelope
from domain.events.patterns import EventFilter


class LiveFeed(Protocol):
    """One subscriber's bounded buffer of live events.

    `get` raises DomainError (code SUBSCRIBER_TOO_SLOW or EVENTS_INTERRUPTED) once the feed has ended and
    its buffer is drained: the client resumes with `after` and replay fills the gap.
    """

    async def get(self) -> EventEnvelope: ...


class EventSource(Protocol):
    def subscribe(self, store_id: uuid.UUID, only: EventFilter) -> AbstractAsyncContextManager[LiveFeed]:
        """Register a subscriber; events relayed from the moment this returns are buffered for it."""
        ...
