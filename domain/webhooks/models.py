"""Webhook subscriptions (endpoints), deliveries (one per event and endpoint) and their attempts."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, TenantScoped, Timestamped, new_id, utcnow


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for `next_attempt_at`
    DELIVERING = "delivering"  # claimed by a worker until `next_attempt_at` (its lease)
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # the schedule ran out, or the endpoint answered 410


class AttemptOutcome(enum.StrEnum):
    SUCCESS = "success"
    HTTP_ERROR = "http_error"  # any answer but 2xx (3xx included: redirects are not followed)
    TIMEOUT = "timeout"
    CONNECTION_ERROR = "connection_error"
    TARGET_REFUSED = "target_refused"  # resolves to a private, loopback or link-local address
    # Claimed again and again without an outcome: its workers died (a delivery that kills workers must
    # not be retried every lease forever without a trace).
    ABANDONED = "abandoned"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


class WebhookSubscription(TenantScoped, Timestamped, Base):
    """An endpoint of one store (optionally one app's), and the event types it wants."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(2000))
    # Exact types (`order.created`), prefixes (`order.*`) or everything (`*`).
    event_types: Mapped[list[str]] = mapped_column(ARRAY(String(100)))
    secret: Mapped[str] = mapped_column(String(100))
    # During a rotation the old secret signs too, until `previous_secret_expires_at`.
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    headers: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    rate_limit_per_second: Mapped[int] = mapped_column(Integer, default=50)
    max_concurrency: Mapped[int] = mapped_column(SmallInteger, default=4)
    # The partner token (app) the endpoint belongs to, if any.
    app_token_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("api_tokens.id", ondelete="SET NULL"))
    # Since when every attempt has failed (null after any success): the base of automatic disabling.
    failing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Round-robin order of the claim: the endpoint served longest ago goes first.
    last_claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class WebhookDelivery(TenantScoped, Base):
    """One event for one endpoint. Its id is the `webhook-id` of every attempt (and of a replay)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("subscription_id", "event_id"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    event_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    event_type: Mapped[str] = mapped_column(String(100))
    event_occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The envelope, copied: old outbox partitions can be dropped while deliveries are still retried.
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    correlation_id: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[DeliveryStatus] = mapped_column(
        _enum(DeliveryStatus, "webhook_delivery_status"), default=DeliveryStatus.PENDING
    )
    # Pending: when the next attempt is due. Delivering: when the claim expires and the delivery is due again.
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    # Index into the retry schedule: failed attempts since creation or the last replay.
    schedule_step: Mapped[int] = mapped_column(Integer, default=0)
    claim_token: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    claims: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_status_code: Mapped[int | None] = mapped_column(SmallInteger)
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebhookAttempt(TenantScoped, Base):
    """One HTTP attempt of a delivery. Append-only, partitioned by month on `started_at`."""

    __tablename__ = "webhook_attempts"
    __table_args__ = {"postgresql_partition_by": "RANGE (started_at)"}

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    delivery_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    subscription_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    number: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[AttemptOutcome] = mapped_column(_enum(AttemptOutcome, "webhook_attempt_outcome"))
    status_code: Mapped[int | None] = mapped_column(SmallInteger)
    duration_ms: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    response_excerpt: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebhookSettings(Base):
    """A store's webhook settings; a store without a row uses the defaults."""

    __tablename__ = "webhook_settings"

    store_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    # An endpoint whose every attempt failed for this long is disabled (Svix uses 5 days).
    disable_after_seconds: Mapped[int] = mapped_column(Integer, default=5 * 24 * 3600)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


DEFAULT_DISABLE_AFTER_SECONDS = 5 * 24 * 3600
