"""Orders as placed: header, line snapshots, where each line's units came from, and the timeline.

Everything a later change of the catalog or of prices could alter (titles, SKUs, unit prices, taxes,
discounts, addresses) is copied in when the order is placed: an order is a snapshot."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, BigInteger, Boolean, DateTime, Enum, ForeignKey, Integer, String
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, TenantScoped, Timestamped, new_id, utcnow


def _str_enum(cls: type[enum.Enum]) -> Enum:
    return Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )


class OrderStatus(enum.StrEnum):
    """The order's lifecycle; domain/orders/states.py lists the allowed transitions."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    FULFILLED = "fulfilled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class PaymentStatus(enum.StrEnum):
    """Money received for the order, kept apart from the lifecycle (a COD order ships before it is paid)."""

    UNPAID = "unpaid"
    AUTHORIZED = "authorized"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class OrderCounter(Base):
    """The last order number of a store. Incremented in the placing transaction: a rolled-back order
    gives its number back, so numbers have no gaps."""

    __tablename__ = "order_counters"

    store_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    last_number: Mapped[int] = mapped_column(BigInteger)


class Order(TenantScoped, Timestamped, Base):
    __tablename__ = "orders"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    number: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[OrderStatus] = mapped_column(_str_enum(OrderStatus), default=OrderStatus.PENDING)
    payment_status: Mapped[PaymentStatus] = mapped_column(
        _str_enum(PaymentStatus), default=PaymentStatus.UNPAID
    )
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[int] = mapped_column(BigInteger)
    discount_total: Mapped[int] = mapped_column(BigInteger)
    tax_total: Mapped[int] = mapped_column(BigInteger)
    shipping_total: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    prices_include_tax: Mapped[bool] = mapped_column(Boolean)
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    cart_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(20))
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    billing_address: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # The shipping method as chosen: {method_id, code, name, amount, discount, tax}.
    shipping: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    codes: Mapped[list[str]] = mapped_column(ARRAY(String(64)), default=list)
    discounts: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    customer_note: Mapped[str] = mapped_column(String(2000), default="")
    locale: Mapped[str] = mapped_column(String(16), default="en")
    metadata_: Mapped[dict[str, str]] = mapped_column("metadata", JSONB, default=dict)
    # How the customer chose to pay (cod, bkash, nagad, sslcommerz, card); payments record the rest.
    payment_method: Mapped[str | None] = mapped_column(String(32))
    # The checkout that placed it (its idempotency key): unique, so a retried checkout finds its order.
    checkout_key: Mapped[str | None] = mapped_column(String(200))
    # sha256 hex of the order's access token, a guest's proof the order is theirs (domain/orders/access.py).
    access_token_hash: Mapped[str | None] = mapped_column(String(64))
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class OrderLine(TenantScoped, Base):
    __tablename__ = "order_lines"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    variant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("product_variants.id", ondelete="SET NULL")
    )
    product_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    sku: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    variant_title: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(BigInteger)
    subtotal: Mapped[int] = mapped_column(BigInteger)
    discount: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    discounts: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    requires_shipping: Mapped[bool] = mapped_column(Boolean, default=True)
    weight_grams: Mapped[int | None] = mapped_column(Integer)


class OrderAllocation(TenantScoped, Base):
    """Units of a line taken from one location when the order was placed; cancelling puts them back there."""

    __tablename__ = "order_allocations"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"))
    variant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    location: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[int] = mapped_column(Integer)
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OrderEvent(TenantScoped, Base):
    """One entry of the order's timeline: what happened, who did it, in which request. Append-only."""

    __tablename__ = "order_events"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(String(2000), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    actor: Mapped[str] = mapped_column(String(200))
    request_id: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
