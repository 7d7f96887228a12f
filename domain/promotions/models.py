"""Promotions, their discount codes, code redemptions and the discounts recorded on order lines.

A promotion holds its condition tree and its one action as validated JSON (domain/promotions/rules.py
checks and normalises both on write); the engine compiles them into predicates once per store version."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from domain.catalog.models import Updated
from domain.db import Base, TenantScoped, Timestamped, new_id, utcnow


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


class PromotionStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    INACTIVE = "inactive"


class PromotionKind(enum.StrEnum):
    # Applies by itself when its conditions hold.
    AUTOMATIC = "automatic"
    # Applies only when the cart carries one of its codes (and its conditions hold).
    CODE = "code"


class DiscountClass(enum.StrEnum):
    """What a discount reduces, as Shopify's combination classes."""

    ORDER = "order"
    PRODUCT = "product"
    SHIPPING = "shipping"


class RedemptionStatus(enum.StrEnum):
    RESERVED = "reserved"
    REDEEMED = "redeemed"
    RELEASED = "released"


class Promotion(TenantScoped, Timestamped, Updated, Base):
    __tablename__ = "promotions"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[PromotionKind] = mapped_column(_enum(PromotionKind, "promotion_kind"))
    status: Mapped[PromotionStatus] = mapped_column(
        _enum(PromotionStatus, "promotion_status"), default=PromotionStatus.DRAFT
    )
    # Lower runs first; ties by id.
    priority: Mapped[int] = mapped_column(Integer, default=100)
    exclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    discount_class: Mapped[DiscountClass] = mapped_column(_enum(DiscountClass, "discount_class"))
    combines_with: Mapped[list[str]] = mapped_column(ARRAY(String(16)), default=list)
    # The currency of every fixed amount in conditions, action and cap; null when there are none (a
    # percentage applies in any currency). A promotion with a currency applies only to carts in it.
    currency: Mapped[str | None] = mapped_column(String(3))
    max_discount_amount: Mapped[int | None] = mapped_column(BigInteger)
    conditions: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    action: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DiscountCode(TenantScoped, Timestamped, Base):
    """One code of a promotion. `used` counts reservations and redemptions; the conditional UPDATE in
    domain/promotions/redemption.py is the only writer."""

    __tablename__ = "discount_codes"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    promotion_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("promotions.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(64))
    usage_limit: Mapped[int | None] = mapped_column(Integer)
    per_customer_limit: Mapped[int | None] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0)
    valid_from: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    valid_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # In the promotion's currency (or the cart's, when the promotion has none).
    min_subtotal_amount: Mapped[int | None] = mapped_column(BigInteger)
    first_order_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # Codes made by one bulk generation share it.
    batch_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))


class DiscountCodeCustomerUsage(TenantScoped, Base):
    """Uses of a code per customer, counted by the same conditional statement style as the total."""

    __tablename__ = "discount_code_customer_usage"

    code_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("discount_codes.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    used: Mapped[int] = mapped_column(Integer, default=0)


class DiscountCodeRedemption(TenantScoped, Timestamped, Base):
    """One use of a code by one checkout: reserved when checkout starts, redeemed with the order, released
    when the checkout is abandoned or expires. `reference` is the checkout's id (idempotency key)."""

    __tablename__ = "discount_code_redemptions"
    __table_args__ = (UniqueConstraint("store_id", "code_id", "reference"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    code_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("discount_codes.id", ondelete="CASCADE"), index=True
    )
    reference: Mapped[str] = mapped_column(String(100))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    order_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    status: Mapped[RedemptionStatus] = mapped_column(_enum(RedemptionStatus, "redemption_status"))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class AppliedPromotionRow(TenantScoped, Timestamped, Base):
    """A discount as recorded on an order: one row per promotion per order line (order_line_id null for a
    shipping discount). Orders do not exist yet, so order ids are plain uuids without foreign keys; the
    orders migration adds them. The promotion's name is copied: reports outlive edits and deletes."""

    __tablename__ = "applied_promotions"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    order_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    order_line_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    promotion_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("promotions.id", ondelete="SET NULL"), index=True
    )
    code_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("discount_codes.id", ondelete="SET NULL"))
    code: Mapped[str | None] = mapped_column(String(64))
    promotion_name: Mapped[str] = mapped_column(String(200))
    discount_class: Mapped[DiscountClass] = mapped_column(_enum(DiscountClass, "discount_class"))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))


class PromotionRulesVersion(Base):
    """Bumped in the transaction of every promotion change: the compiled-rules cache compares it. Keyed by
    the store itself (row-level security scopes it like every store-owned table)."""

    __tablename__ = "promotion_rules_versions"

    store_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
