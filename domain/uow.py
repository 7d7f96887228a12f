"""The tenant-scoped unit of work: the only way domain code reads and writes store data.

Opened for one store, it (1) sets `app.store_id` / `app.organization_id` at the start of every transaction
so PostgreSQL row-level security applies, (2) adds `store_id = :store` to every ORM statement on a
TenantScoped model, (3) stamps `store_id` on new rows, and (4) on commit writes the recorded domain events
to the outbox, and the pending audit entry, in the same transaction as the change.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, with_loader_criteria

from domain.db import TenantScoped, utcnow
from domain.events.envelope import EventEnvelope

_SET_SCOPE = text(
    "SELECT set_config('app.store_id', :store_id, true), set_config('app.organization_id', :org_id, true)"
)


class CrossTenantWrite(RuntimeError):
    """A row of another store reached this unit of work: a bug, never a user error."""


@dataclass
class AuditDraft:
    """What the gateway knows about an admin mutation before it runs; the unit of work completes it."""

    actor: str
    operation: str
    input_summary: dict[str, Any]
    request_id: str
    written: bool = False


@dataclass
class UnitOfWork:
    sessions: async_sessionmaker[AsyncSession]
    store_id: uuid.UUID
    organization_id: uuid.UUID | None = None
    correlation_id: str = ""
    audit: AuditDraft | None = None
    readonly: bool = False
    clock: Callable[[], datetime] = utcnow
    events: list[EventEnvelope] = field(default_factory=list)
    _session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._session

    async def __aenter__(self) -> Self:
        session = self.sessions()
        session.info["store_id"] = self.store_id
        session.info["organization_id"] = self.organization_id
        self._session = session
        self.events = []
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # close() ends any open transaction without expiring loaded objects (rollback() would), so
        # what a read returned stays usable after the block.
        try:
            await self.session.close()
        finally:
            self._session = None

    def emit(self, type_: str, data: dict[str, Any], *, version: int = 1) -> EventEnvelope:
        """Record a domain event; it reaches the outbox only if this unit of work commits."""
        if self.readonly:
            raise RuntimeError("a read-only unit of work cannot emit events")
        envelope = EventEnvelope(
            id=uuid.uuid4(),
            type=type_,
            store_id=self.store_id,
            occurred_at=self.clock(),
            version=version,
            data=data,
            correlation_id=self.correlation_id,
        )
        self.events.append(envelope)
        return envelope

    async def commit(self) -> None:
        if self.readonly:
            raise RuntimeError("a read-only unit of work cannot commit")
        from domain.audit.services import append_entry
        from domain.events.outbox import write_events

        session = self.session
        if self.events:
            await write_events(session, self.events)
        if self.audit is not None and not self.audit.written:
            await append_entry(session, self.store_id, self.audit, result="ok", detail={})
        await session.commit()
        if self.audit is not None:
            self.audit.written = True
        self.events = []

    async def rollback(self) -> None:
        self.events = []
        await self.session.rollback()


@event.listens_for(Session, "after_begin")
def _scope_transaction(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    store_id = session.info.get("store_id")
    if store_id is None:
        return
    org_id = session.info.get("organization_id")
    connection.execute(_SET_SCOPE, {"store_id": str(store_id), "org_id": str(org_id) if org_id else ""})


@event.listens_for(Session, "do_orm_execute")
def _filter_by_store(state: ORMExecuteState) -> None:
    store_id = state.session.info.get("store_id")
    if store_id is None or state.is_column_load or state.is_relationship_load:
        return
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(
            with_loader_criteria(TenantScoped, lambda cls: cls.store_id == store_id, include_aliases=True)
        )


@event.listens_for(Session, "before_flush")
def _stamp_store(session: Session, flush_context: object, instances: object) -> None:
    store_id = session.info.get("store_id")
    if store_id is None:
        return
    for obj in session.new:
        if isinstance(obj, TenantScoped):
            current = getattr(obj, "store_id", None)
            if current is None:
                obj.store_id = store_id
            elif current != store_id:
                raise CrossTenantWrite(
                    f"{type(obj).__name__} for store {current} in a unit of work of {store_id}"
                )
    for obj in session.dirty:
        if isinstance(obj, TenantScoped) and obj.store_id != store_id:
            raise CrossTenantWrite(f"{type(obj).__name__} moved to store {obj.store_id}")
