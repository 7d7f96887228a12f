"""Event consumers and the dispatcher that runs them exactly once per event.

Delivery from the outbox is at least once (a job may run twice: arq says so plainly). Each consumer
runs in a store-scoped unit of work that first inserts (consumer, event_id) into processed_events; a
second delivery finds the row and skips, and a concurrent one waits on the row lock and then skips.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import text

from domain.db import Database
from domain.events.envelope import EventEnvelope
from domain.uow import UnitOfWork

log = logging.getLogger(__name__)

Handler = Callable[[UnitOfWork, EventEnvelope], Awaitable[None]]


@dataclass(frozen=True)
class Consumer:
    name: str
    types: frozenset[str]  # "*" matches every type
    handle: Handler
    # Consumers of one event run by stage, then in registration order. Consumers that change what
    # responses read (read models) keep the default; the cache purge runs in PURGE_STAGE, after them, so a
    # purged answer is recomputed from fresh data.
    stage: int = 0

    def wants(self, event_type: str) -> bool:
        return "*" in self.types or event_type in self.types


class Registry:
    def __init__(self) -> None:
        self._consumers: dict[str, Consumer] = {}

    def register(self, name: str, *types: str, stage: int = 0) -> Callable[[Handler], Handler]:
        def decorator(fn: Handler) -> Handler:
            self._consumers[name] = Consumer(name, frozenset(types), fn, stage)
            return fn

        return decorator

    def remove(self, name: str) -> None:
        self._consumers.pop(name, None)

    def for_type(self, event_type: str) -> list[Consumer]:
        return sorted((c for c in self._consumers.values() if c.wants(event_type)), key=lambda c: c.stage)


consumers = Registry()
PURGE_STAGE = 100

_CLAIM = text(
    "INSERT INTO processed_events (store_id, consumer, event_id, processed_at) "
    "VALUES (:store, :consumer, :event, now()) ON CONFLICT DO NOTHING RETURNING event_id"
)


async def dispatch(db: Database, envelope: EventEnvelope, registry: Registry = consumers) -> list[str]:
    """Run every interested consumer once; return the names that ran now (not before)."""
    ran = []
    for consumer in registry.for_type(envelope.type):
        uow = UnitOfWork(db.sessions, store_id=envelope.store_id, correlation_id=envelope.correlation_id)
        async with uow:
            claimed = await uow.session.execute(
                _CLAIM, {"store": envelope.store_id, "consumer": consumer.name, "event": envelope.id}
            )
            if claimed.first() is None:
                continue
            await consumer.handle(uow, envelope)
            await uow.commit()
            ran.append(consumer.name)
    return ran
