"""Pricing tables: price lists (the default list's prices are catalog's `variant_prices`), who a list is
for, its prices and quantity breaks, currency rates, tax classes and rates, and the store's pricing
settings."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, TenantScoped, Timestamped, new_id


class AudienceKind(enum.StrEnum):
    """What a price list targets. Behavioural segments (marketing) plug in as `segment` rows."""

    GROUP = "group"
    SEGMENT = "segment"


class PriceList(TenantScoped, Timestamped, Base):
    """A named set of prices. The store's default list (`is_default`) holds no rows of its own in
    `price_list_prices`: its prices are the catalog's `variant_prices` (ADR 0008); it exists as a row so
    its tiers have a list to belong to."""

    __tablename__ = "price_lists"
    __table_args__ = (
        UniqueConstraint("store_id", "code"),
        Index("uq_price_lists_default", "store_id", unique=True, postgresql_where=text("is_default")),
        CheckConstraint("ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at", name="schedule"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PriceListAudience(TenantScoped, Base):
    """One audience of a list: a customer group or a segment. A list with none is for everybody."""

    __tablename__ = "price_list_audiences"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'group' AND customer_group_id IS NOT NULL AND segment_id IS NULL)"
            " OR (kind = 'segment' AND segment_id IS NOT NULL AND customer_group_id IS NULL)",
            name="one_target",
        ),
        UniqueConstraint("price_list_id", "kind", "customer_group_id", "segment_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    price_list_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("price_lists.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AudienceKind] = mapped_column(
        Enum(AudienceKind, name="audience_kind", values_callable=lambda e: [m.value for m in e])
    )
    customer_group_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customer_groups.id", ondelete="CASCADE"), index=True
    )
    # No table to point at yet: segments arrive with marketing, which adds the foreign key.
    segment_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))


class PriceListPrice(TenantScoped, Base):
    """A variant's price in one currency on a named list (its quantity-1 price)."""

    __tablename__ = "price_list_prices"

    price_list_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("price_lists.id", ondelete="CASCADE"), primary_key=True
    )
    variant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("product_variants.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    compare_at_amount: Mapped[int | None] = mapped_column(BigInteger)


class PriceTier(TenantScoped, Base):
    """A quantity break above 1: from `min_quantity` units up, each unit costs `amount`. The break at 1
    is the list's own price row, so the two can never disagree."""

    __tablename__ = "price_tiers"
    __table_args__ = (CheckConstraint("min_quantity > 1", name="above_one"),)

    price_list_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("price_lists.id", ondelete="CASCADE"), primary_key=True
    )
    variant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("product_variants.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    min_quantity: Mapped[int] = mapped_column(Integer, primary_key=True)
    amount: Mapped[int] = mapped_column(BigInteger)


class CurrencyRate(TenantScoped, Base):
    """How many units of `currency` one unit of the store's default currency buys (major units)."""

    __tablename__ = "currency_rates"

    store_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate: Mapped[Decimal] = mapped_column(Numeric(24, 10))
    source: Mapped[str] = mapped_column(String(32), default="manual")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TaxClass(TenantScoped, Timestamped, Base):
    """A kind of goods taxed alike (standard VAT, reduced, exempt); one class is the store's default."""

    __tablename__ = "tax_classes"
    __table_args__ = (
        UniqueConstraint("store_id", "code"),
        Index("uq_tax_classes_default", "store_id", unique=True, postgresql_where=text("is_default")),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)


class TaxRate(TenantScoped, Base):
    """A class's rate in a country, or in one division of it (a division rate beats the country's)."""

    __tablename__ = "tax_rates"
    __table_args__ = (
        Index(
            "uq_tax_rates_region",
            "tax_class_id",
            "country",
            text("coalesce(division, '')"),
            unique=True,
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    tax_class_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tax_classes.id", ondelete="CASCADE"), index=True
    )
    country: Mapped[str] = mapped_column(String(2))
    division: Mapped[str | None] = mapped_column(String(16))
    percent: Mapped[Decimal] = mapped_column(Numeric(7, 4))
    name: Mapped[str] = mapped_column(String(100), default="")


class ProductTaxClass(TenantScoped, Base):
    """A product taxed in another class than the store's default."""

    __tablename__ = "product_tax_classes"

    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    tax_class_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tax_classes.id", ondelete="CASCADE"), index=True
    )


class PricingSettings(TenantScoped, Base):
    """One row per store; a store without one uses the defaults (tax-inclusive, Bangladesh, no step)."""

    __tablename__ = "pricing_settings"

    store_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    prices_include_tax: Mapped[bool] = mapped_column(Boolean, default=True)
    tax_country: Mapped[str] = mapped_column(String(2), default="BD")
    tax_division: Mapped[str | None] = mapped_column(String(16))
    # Rounding step of converted prices per currency, in minor units ({"BDT": 100} = whole taka).
    rounding_steps: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # The end of the last schedule sweep: boundaries after it have not refreshed the read model yet.
    schedule_checked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
