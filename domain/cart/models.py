"""Carts and their lines: a guest cart found by its token (stored as a sha256 digest, like API tokens), or
a customer's cart; at most one active cart per customer, which the database enforces."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, TenantScoped, Timestamped, new_id, utcnow


class CartStatus(enum.StrEnum):
    ACTIVE = "active"
    ABANDONED = "abandoned"
    CONVERTED = "converted"
    EXPIRED = "expired"


class Cart(TenantScoped, Timestamped, Base):
    __tablename__ = "carts"
    __table_args__ = (
        UniqueConstraint("token_hash"),
        # One live cart per customer: merge on login relies on it.
        Index(
            "uq_carts_customer_active",
            "store_id",
            "customer_id",
            unique=True,
            postgresql_where=text("status = 'active' AND customer_id IS NOT NULL"),
        ),
        Index("ix_carts_store_id_status_last_activity_at", "store_id", "status", "last_activity_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    status: Mapped[CartStatus] = mapped_column(
        Enum(CartStatus, name="cart_status", values_callable=lambda e: [m.value for m in e]),
        default=CartStatus.ACTIVE,
    )
    currency: Mapped[str] = mapped_column(String(3))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(20))
    # AddressSnapshot fields as JSON: the cart holds an address as typed, not a reference that may change.
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    billing_address: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    shipping_method_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("shipping_methods.id", ondelete="SET NULL")
    )
    codes: Mapped[list[str]] = mapped_column(ARRAY(String(64)), default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str] = mapped_column(String(16), default="en")
    last_activity_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    abandoned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    converted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CartLine(TenantScoped, Timestamped, Base):
    __tablename__ = "cart_lines"
    __table_args__ = (
        UniqueConstraint("cart_id", "variant_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    cart_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"), index=True)
    # No foreign key: a variant deleted from the catalog shows as a problem on the line, not a lost line.
    variant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    quantity: Mapped[int] = mapped_column(Integer)
    # The unit price the shopper saw when adding (or last changing) the line: `problems` compares with it.
    unit_price: Mapped[int] = mapped_column(Integer)


class CartSettings(TenantScoped, Base):
    """Per store: how long a cart sits idle before it counts as abandoned, and before it expires."""

    __tablename__ = "cart_settings"

    store_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    abandon_after_minutes: Mapped[int] = mapped_column(Integer, default=60)
    expire_after_days: Mapped[int] = mapped_column(Integer, default=30)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
