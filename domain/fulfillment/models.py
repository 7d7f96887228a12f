"""Courier accounts of a store and the tracking events couriers report.

Tracking events are append-only: one row per distinct courier report, deduplicated by a key derived from
what the courier said (see couriers/webhooks.py), so a replayed webhook changes nothing.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Enum, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, TenantScoped, Timestamped, new_id, utcnow
from domain.fulfillment.couriers.base import CourierProvider
from domain.fulfillment.couriers.statuses import TrackingStatus


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


class CourierAccount(TenantScoped, Timestamped, Base):
    """A store's account with one courier: API credentials, the secret its webhooks must present, and
    (Pathao) the cached OAuth token, so every gateway process shares one login."""

    __tablename__ = "courier_accounts"
    __table_args__ = (UniqueConstraint("store_id", "provider"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    provider: Mapped[CourierProvider] = mapped_column(_enum(CourierProvider, "courier_provider"))
    base_url: Mapped[str] = mapped_column(String(500))
    # Provider-specific keys (see domain/fulfillment/inputs.py CREDENTIAL_KEYS). Never shown back.
    credentials: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    webhook_secret: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    access_token: Mapped[str | None] = mapped_column(String(4000))
    refresh_token: Mapped[str | None] = mapped_column(String(4000))
    token_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class TrackingEvent(TenantScoped, Base):
    """One status report of a courier about one consignment (webhook or polled)."""

    __tablename__ = "tracking_events"
    __table_args__ = (UniqueConstraint("store_id", "provider", "dedupe_key"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    provider: Mapped[CourierProvider] = mapped_column(_enum(CourierProvider, "courier_provider"))
    consignment_id: Mapped[str] = mapped_column(String(100))
    # Our reference as the courier echoes it (merchant order id / invoice), when it does.
    reference: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[TrackingStatus] = mapped_column(_enum(TrackingStatus, "tracking_status"))
    raw_status: Mapped[str] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(String(1000), default="")
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Cash the courier says it collected, and its fee, in minor units of `currency`.
    collected_amount: Mapped[int | None] = mapped_column(BigInteger)
    delivery_fee: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    dedupe_key: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # The shipment it was matched to; null when no shipment of this store has the consignment.
    shipment_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), index=True)
