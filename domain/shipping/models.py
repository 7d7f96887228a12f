"""Shipping zones (which addresses) and methods (what delivery to them costs).

A zone names districts and/or divisions; a zone naming neither is the store's "everywhere else" zone.
An address belongs to the most specific zone that names it: district, then division, then everywhere
else; so "Inside Dhaka" (district Dhaka) and "Outside Dhaka" (everywhere else) are two zones."""

from __future__ import annotations

import enum
import uuid
from typing import Any

from sqlalchemy import ARRAY, Boolean, CheckConstraint, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, TenantScoped, Timestamped, new_id


class RateKind(enum.StrEnum):
    FLAT = "flat"
    # Brackets on the cart's shipping weight in grams.
    WEIGHT = "weight"
    # Brackets on the cart's subtotal in minor units.
    PRICE = "price"


class ShippingZone(TenantScoped, Timestamped, Base):
    __tablename__ = "shipping_zones"
    __table_args__ = (UniqueConstraint("store_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    divisions: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list)
    districts: Mapped[list[str]] = mapped_column(ARRAY(String(32)), default=list)


class ShippingMethod(TenantScoped, Timestamped, Base):
    __tablename__ = "shipping_methods"
    __table_args__ = (
        UniqueConstraint("store_id", "code"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    zone_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shipping_zones.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[RateKind] = mapped_column(
        Enum(RateKind, name="shipping_rate_kind", values_callable=lambda e: [m.value for m in e])
    )
    currency: Mapped[str] = mapped_column(String(3))
    # FLAT: the price. WEIGHT / PRICE: the price below the first bracket.
    amount: Mapped[int] = mapped_column(Integer, default=0)
    # [{"from": n, "amount": minor units}] ascending: the highest `from` at or below the measure wins.
    brackets: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    # Free when the cart's subtotal reaches this many minor units.
    free_over: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
