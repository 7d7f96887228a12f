"""Inventory rows: locations, per-variant settings, the append-only adjustment ledger and reservations.

Units on hand per variant and location stay in the catalog's `stock_levels` table; every change to its
`on_hand` goes through domain/inventory/ledger.py, which writes one adjustment row in the same statement
batch, so the ledger of a (variant, location) always sums to its on-hand."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, Integer, String, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, TenantScoped, Timestamped, new_id, utcnow


def _str_enum(cls: type[enum.Enum]) -> Enum:
    # Stored as text (the migration checks the values): later states need no ALTER TYPE.
    return Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )


class InventoryPolicy(enum.StrEnum):
    """What happens when a variant has no free units: refuse, sell anyway (backorder), or take preorders."""

    DENY = "deny"
    BACKORDER = "backorder"
    PREORDER = "preorder"


class AdjustmentReason(enum.StrEnum):
    RECEIVED = "received"
    SOLD = "sold"
    RETURNED = "returned"
    DAMAGED = "damaged"
    CORRECTION = "correction"
    RESERVATION_RELEASED = "reservation_released"


class Location(TenantScoped, Timestamped, Base):
    """A warehouse or shop stock is kept in; stock levels name it by `code`. Higher `priority` ships first."""

    __tablename__ = "inventory_locations"

    store_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    priority: Mapped[int] = mapped_column(Integer, default=0)


class InventoryItem(TenantScoped, Base):
    """Per-variant inventory settings. A variant without a row denies overselling and has no threshold."""

    __tablename__ = "inventory_items"

    variant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("product_variants.id", ondelete="CASCADE"), primary_key=True
    )
    policy: Mapped[InventoryPolicy] = mapped_column(_str_enum(InventoryPolicy), default=InventoryPolicy.DENY)
    low_stock_threshold: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Adjustment(TenantScoped, Base):
    """One change of on-hand at one location. Append-only (the app role may not update or delete) and
    partitioned by month on `created_at`."""

    __tablename__ = "inventory_adjustments"
    __table_args__ = {"postgresql_partition_by": "RANGE (created_at)"}

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True, default=utcnow)
    variant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    location: Mapped[str] = mapped_column(String(100))
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[AdjustmentReason] = mapped_column(_str_enum(AdjustmentReason))
    # On-hand at this location right after the change: a reader can audit the ledger row by row.
    balance_after: Mapped[int] = mapped_column(Integer)
    reference_type: Mapped[str | None] = mapped_column(String(32))
    reference_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    note: Mapped[str] = mapped_column(String(500), default="")
    actor: Mapped[str] = mapped_column(String(200), default="")
    request_id: Mapped[str] = mapped_column(String(100), default="")


class Reservation(TenantScoped, Base):
    """Units held for a checkout until `expires_at`. An expired row simply stops counting: no sweeper is
    needed for availability to be right (a cleanup may delete old rows at leisure)."""

    __tablename__ = "stock_reservations"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    variant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("product_variants.id", ondelete="CASCADE"))
    holder: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=utcnow
    )
