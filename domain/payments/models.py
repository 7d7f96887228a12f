"""Payment attempts (many per order), the callbacks that settled them, refunds, and each store's provider
accounts. Amounts are integer minor units beside the attempt's currency."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, TenantScoped, new_id, utcnow


class Provider(enum.StrEnum):
    COD = "cod"
    BKASH = "bkash"
    NAGAD = "nagad"
    SSLCOMMERZ = "sslcommerz"
    CARD = "card"  # the generic HMAC-signed card redirect


class PaymentStatus(enum.StrEnum):
    PENDING = "pending"
    AUTHORIZED = "authorized"
    CAPTURED = "captured"  # partly refunded attempts stay captured; `refunded_amount` says how much
    FAILED = "failed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"  # every captured unit refunded


class RefundStatus(enum.StrEnum):
    PENDING = "pending"  # reserved against the attempt, the provider not yet answered
    # The provider did not answer (timeout, 5xx): it may have refunded. The reservation stays; a retry of
    # the key asks the provider for the refund's status before it may send the refund again.
    UNKNOWN = "unknown"
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # the reservation was given back


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


class PaymentAccount(TenantScoped, Base):
    """A store's credentials and endpoint for one provider; `config` keys are the adapter's."""

    __tablename__ = "payment_accounts"
    __table_args__ = (UniqueConstraint("store_id", "provider"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    provider: Mapped[Provider] = mapped_column(_enum(Provider, "payment_provider"))
    enabled: Mapped[bool] = mapped_column(default=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class PaymentAttempt(TenantScoped, Base):
    """One try to collect (part of) an order's total through one provider."""

    __tablename__ = "payment_attempts"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    provider: Mapped[Provider] = mapped_column(_enum(Provider, "payment_provider"))
    status: Mapped[PaymentStatus] = mapped_column(
        _enum(PaymentStatus, "payment_status"), default=PaymentStatus.PENDING
    )
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    captured_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    # The provider's id of the payment (bKash paymentID, SSLCommerz tran_id, Nagad paymentReferenceId …).
    reference: Mapped[str | None] = mapped_column(String(200))
    # The provider's id of the money movement once settled (bKash trxID, SSLCommerz bank_tran_id …).
    transaction_id: Mapped[str | None] = mapped_column(String(200))
    redirect_url: Mapped[str | None] = mapped_column(Text)
    # Where the shopper's browser goes after the provider's callback.
    return_url: Mapped[str | None] = mapped_column(Text)
    failure_code: Mapped[str | None] = mapped_column(String(100))
    failure_message: Mapped[str | None] = mapped_column(String(500))
    # When the re-query sweep last asked the provider (domain/payments/requery.py): a lease between workers.
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    @property
    def refundable(self) -> int:
        return self.captured_amount - self.refunded_amount


class PaymentCallback(TenantScoped, Base):
    """A provider callback that changed an attempt. Its key (per provider) makes a replay a conflict."""

    __tablename__ = "payment_callbacks"
    __table_args__ = (UniqueConstraint("store_id", "provider", "dedupe_key"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    attempt_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payment_attempts.id", ondelete="CASCADE"))
    provider: Mapped[Provider] = mapped_column(_enum(Provider, "payment_provider"))
    dedupe_key: Mapped[str] = mapped_column(String(300))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    outcome: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Refund(TenantScoped, Base):
    """Money given back from one captured attempt; `key` (the idempotency key) is unique per attempt."""

    __tablename__ = "refunds"
    __table_args__ = (UniqueConstraint("store_id", "attempt_id", "key"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    attempt_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payment_attempts.id", ondelete="CASCADE"))
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[RefundStatus] = mapped_column(
        _enum(RefundStatus, "refund_status"), default=RefundStatus.PENDING
    )
    reason: Mapped[str] = mapped_column(String(500), default="")
    provider_refund_id: Mapped[str | None] = mapped_column(String(200))
    failure_message: Mapped[str | None] = mapped_column(String(500))
    # Set while one request is asking the provider (a lease): a concurrent replay of the key waits it out
    # instead of sending the refund a second time.
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
