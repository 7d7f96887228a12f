"""Courier accounts of a store and the tracking events couriers report.

Tracking events are append-only: one row per distinct courier report, deduplicated by a key derived from
what the courier said (see couriers/webhooks.py), so a replayed webhook changes nothing.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Enum, ForeignKey, Integer, String, UniqueConstraint
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


class ShipmentStatus(enum.StrEnum):
    BOOKING = "booking"  # committed; the courier has not (yet) given a consignment
    BOOKING_FAILED = "booking_failed"  # the courier refused or did not answer: book again or cancel
    BOOKED = "booked"  # the courier has it (consignment id known)
    SHIPPED = "shipped"  # sent without a courier account (the merchant's own delivery)
    DELIVERED = "delivered"
    RETURNED = "returned"
    CANCELLED = "cancelled"


class CodReconciliation(enum.StrEnum):
    NONE = "none"  # nothing to collect
    AWAITING = "awaiting"  # cash to collect, no collection reported yet
    MATCHED = "matched"  # collected what was due: the COD payment was captured
    MISMATCH = "mismatch"  # collected something else: recorded, flagged to staff, nothing captured


def _str_enum(cls: type[enum.Enum]) -> Enum:
    # Stored as text (checked by the migration): later states need no ALTER TYPE.
    return Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )


class LineFulfillment(TenantScoped, Base):
    """How much of one order line has shipped and come back. The counters move only by conditional
    UPDATEs (`fulfilled + n <= ordered`, `returned + n <= fulfilled`), with CHECKs behind them."""

    __tablename__ = "order_line_fulfillments"

    order_line_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("order_lines.id", ondelete="CASCADE"), primary_key=True
    )
    order_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    ordered: Mapped[int] = mapped_column(Integer)
    fulfilled: Mapped[int] = mapped_column(Integer, default=0)
    returned: Mapped[int] = mapped_column(Integer, default=0)


class Shipment(TenantScoped, Timestamped, Base):
    """Units of an order sent together: one parcel, with its courier consignment when there is a courier."""

    __tablename__ = "shipments"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    # Our parcel reference at the courier (merchant order id / invoice): "<order number>-<n>".
    reference: Mapped[str] = mapped_column(String(100))
    status: Mapped[ShipmentStatus] = mapped_column(_str_enum(ShipmentStatus))
    provider: Mapped[CourierProvider | None] = mapped_column(_enum(CourierProvider, "courier_provider"))
    consignment_id: Mapped[str | None] = mapped_column(String(100))
    tracking_code: Mapped[str | None] = mapped_column(String(100))
    courier_status: Mapped[TrackingStatus | None] = mapped_column(_enum(TrackingStatus, "tracking_status"))
    courier_raw_status: Mapped[str | None] = mapped_column(String(100))
    booking_error: Mapped[str | None] = mapped_column(String(1000))
    currency: Mapped[str] = mapped_column(String(3))
    cod_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    collected_amount: Mapped[int | None] = mapped_column(BigInteger)
    delivery_fee: Mapped[int | None] = mapped_column(BigInteger)
    reconciliation: Mapped[CodReconciliation] = mapped_column(_str_enum(CodReconciliation))
    weight_grams: Mapped[int] = mapped_column(Integer, default=500)
    note: Mapped[str] = mapped_column(String(500), default="")
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class ShipmentLine(TenantScoped, Base):
    __tablename__ = "shipment_lines"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    shipment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer)


class ReturnStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    RECEIVED = "received"  # back in the warehouse; restockable units are on-hand again
    REFUNDED = "refunded"


class ReturnReason(enum.StrEnum):
    DAMAGED = "damaged"
    DEFECTIVE = "defective"
    WRONG_ITEM = "wrong_item"
    NOT_AS_DESCRIBED = "not_as_described"
    CHANGED_MIND = "changed_mind"
    OTHER = "other"


class ReturnRequest(TenantScoped, Timestamped, Base):
    __tablename__ = "return_requests"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(100))  # "R<order number>-<n>"
    status: Mapped[ReturnStatus] = mapped_column(_str_enum(ReturnStatus))
    note: Mapped[str] = mapped_column(String(1000), default="")
    decision_note: Mapped[str] = mapped_column(String(1000), default="")
    currency: Mapped[str] = mapped_column(String(3))
    # What the returned units cost the customer (their share of each line's total).
    refund_amount: Mapped[int] = mapped_column(BigInteger)
    refund_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class ReturnLine(TenantScoped, Base):
    __tablename__ = "return_lines"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    return_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("return_requests.id", ondelete="CASCADE"), index=True
    )
    order_line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer)
    reason: Mapped[ReturnReason] = mapped_column(_str_enum(ReturnReason))
    # False for units written off on arrival (damaged): they do not go back on-hand.
    restock: Mapped[bool] = mapped_column(default=True)
    amount: Mapped[int] = mapped_column(BigInteger)
