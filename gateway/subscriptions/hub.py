"""One Redis pub/sub connection per gateway process, fanned out to every subscription it serves.

The hub pattern-subscribes once to every store's event channel (`<prefix>:{<store_id>}`, published by the
relay) and hands each event to the subscribers of that store whose filter matches it, each into its own
bounded buffer. Nothing a subscriber does can block the hub or another subscriber: offering an event never
awaits. A subscriber whose buffer is full is ended (SUBSCRIBER_TOO_SLOW) rather than silently skipped, so a
client never sees a gap it does not know about; it resumes with `after` and replay fills it. When the Redis
connection drops, events may be lost while it is down, so every subscriber is ended (EVENTS_INTERRUPTED) the
same way. docs/adr/0013-subscriptions.md has the reasoning.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from redis.asyncio import Redis

from domain.errors import DomainError
from domain.events.envelope import EventEnvelope
from domain.events.patterns import EventFilter

log = logging.getLogger(__name__)

SUBSCRIBER_TOO_SLOW = "SUBSCRIBER_TOO_SLOW"
EVENTS_INTERRUPTED = "EVENTS_INTERRUPTED"
EVENTS_UNAVAILABLE = "EVENTS_UNAVAILABLE"


class Subscriber:
    """A bounded buffer between the hub and one subscription."""

    __slots__ = ("_items", "_ready", "ended", "limit", "only", "store")

    def __init__(self, store: str, only: EventFilter, limit: int) -> None:
        self.store = store
        self.only = only
        self.limit = limit
        self._items: collections.deque[EventEnvelope] = collections.deque()
        self._ready = asyncio.Event()
        self.ended: DomainError | None = None

    def offer(self, event: EventEnvelope) -> bool:
        """Buffer the event if it matches; end the subscriber when its buffer is full. Never awaits."""
        if self.ended is not None or not self.only.matches(event.type):
            return False
        if len(self._items) >= self.limit:
            self.end(SUBSCRIBER_TOO_SLOW, f"more than {self.limit} events waited for this subscriber")
            return False
        self._items.append(event)
        self._ready.set()
        return True

    def end(self, code: str, message: str) -> None:
        if self.ended is None:
            self.ended = DomainError(
                code, f"{message}; resume with `after` set to the last event id received"
            )
        self._ready.set()

    async def get(self) -> EventEnvelope:
        """The next buffered event; once ended, what was buffered still comes first, then the error."""
        while not self._items:
            if self.ended is not None:
                raise self.ended
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()


class EventHub:
    def __init__(
        self,
        redis_url: str,
        prefix: str,
        *,
        buffer_size: int,
        health_check_seconds: float,
        ready_timeout_seconds: float = 5.0,
    ) -> None:
        self.redis_url = redis_url
        self.prefix = prefix
        self.buffer_size = buffer_size
        self.health_check_seconds = health_check_seconds
        self.ready_timeout_seconds = ready_timeout_seconds
        self.up = asyncio.Event()
        # Named, so operators (and tests) can find this process's subscription in CLIENT LIST.
        self.client_name = f"stormcom-event-hub-{uuid.uuid4().hex[:12]}"
        self.received = 0
        self.ended: collections.Counter[str] = collections.Counter()
        self._by_store: dict[str, set[Subscriber]] = {}
        self._task: asyncio.Task[None] | None = None

    @property
    def subscribers(self) -> int:
        return sum(len(s) for s in self._by_store.values())

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="event-hub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._lost("the gateway is shutting down")

    @contextlib.asynccontextmanager
    async def subscribe(self, store_id: uuid.UUID, only: EventFilter) -> AsyncIterator[Subscriber]:
        """Register a subscriber of one store. Events the hub receives from now on are buffered for it;
        it is removed however the block ends (completion, error, cancellation by a disconnect)."""
        if not self.up.is_set():
            try:
                await asyncio.wait_for(self.up.wait(), self.ready_timeout_seconds)
            except TimeoutError:
                raise DomainError(EVENTS_UNAVAILABLE, "the live event stream is unavailable") from None
        store = str(store_id)
        subscriber = Subscriber(store, only, self.buffer_size)
        self._by_store.setdefault(store, set()).add(subscriber)
        try:
            yield subscriber
        finally:
            group = self._by_store.get(store)
            if group is not None:
                group.discard(subscriber)
                if not group:
                    del self._by_store[store]
            if subscriber.ended is not None:
                self.ended[subscriber.ended.code] += 1

    def _store_of(self, channel: bytes | str) -> str | None:
        name = channel.decode() if isinstance(channel, bytes) else channel
        head = f"{self.prefix}:{{"
        if not (name.startswith(head) and name.endswith("}")):
            return None
        return name[len(head) : -1]

    def dispatch(self, channel: bytes | str, data: bytes | str) -> None:
        """Hand one published event to its store's subscribers (parsed once, only if anyone listens)."""
        self.received += 1
        store = self._store_of(channel)
        group = self._by_store.get(store) if store is not None else None
        if not group:
            return
        try:
            event = EventEnvelope.from_json(json.loads(data))
        except (ValueError, KeyError, TypeError):
            log.warning("undecodable event on a store channel", extra={"channel": str(channel)[:200]})
            return
        for subscriber in list(group):
            subscriber.offer(event)

    def _lost(self, why: str) -> None:
        self.up.clear()
        for group in self._by_store.values():
            for subscriber in group:
                subscriber.end(EVENTS_INTERRUPTED, f"the live event stream was interrupted ({why})")

    async def _run(self) -> None:
        backoff = 0.05
        while True:
            client = Redis.from_url(self.redis_url, socket_connect_timeout=1.0, client_name=self.client_name)
            pubsub = client.pubsub()
            try:
                await pubsub.psubscribe(f"{self.prefix}:*")
                # Only the confirmation proves the subscription is live: until then nothing is promised.
                while (await pubsub.get_message(timeout=1.0)) is None:
                    pass
                self.up.set()
                backoff = 0.05
                await self._listen(pubsub)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self.up.is_set():
                    log.warning("event hub lost its subscription", extra={"error": repr(exc)})
                self._lost(type(exc).__name__)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                with contextlib.suppress(Exception):
                    await client.aclose()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 2.0)

    async def _listen(self, pubsub: Any) -> None:
        """Dispatch messages; PING every interval and give up when nothing (not even a PONG) came back for
        three intervals: a silently dead connection raises no error by itself."""
        interval = self.health_check_seconds
        last_heard = last_ping = time.monotonic()
        while True:
            message = await pubsub.get_message(timeout=min(1.0, interval))
            now = time.monotonic()
            if message is not None:
                last_heard = now
                if message.get("type") == "pmessage":
                    self.dispatch(message["channel"], message["data"])
            if now - last_heard > 3 * interval:
                raise ConnectionError("the event subscription answers no PING")
            if now - last_ping >= interval:
                await pubsub.ping()
                last_ping = now
