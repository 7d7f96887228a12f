"""The transactional outbox and the consumers' deduplication table."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, TenantScoped, Timestamped, utcnow


class OutboxEvent(TenantScoped, Base):
    """One domain event, written in the transaction that made the change.

    Partitioned by month on `occurred_at` (see the migration); the primary key carries the partition key.
    `enqueued_at` is when the relay last handed it to arq; `processed_at` when the dispatcher finished it.
    """

    __tablename__ = "outbox_events"
    __table_args__ = {"postgresql_partition_by": "RANGE (occurred_at)"}

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True, default=utcnow)
    type: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    correlation_id: Mapped[str] = mapped_column(String(100), default="")
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Commit order, assigned by the relay when it hands the event over (domain/events/positions.py):
    # the resume point of subscriptions.
    stream_position: Mapped[int | None] = mapped_column(BigInteger)


class ProcessedEvent(TenantScoped, Base):
    """A consumer marks an event done here in the transaction of its effect: at-least-once becomes once."""

    __tablename__ = "processed_events"

    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EventGrant(TenantScoped, Timestamped, Base):
    """One event type pattern a token may receive (`order.created`, `order.*` or `*`).

    A token receives only the types its grants match, on top of holding `events:subscribe`.
    """

    __tablename__ = "event_grants"

    token_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="CASCADE"), primary_key=True
    )
    pattern: Mapped[str] = mapped_column(String(100), primary_key=True)
