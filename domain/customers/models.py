"""Customers of one store: who they are, the store-defined groups staff put them in (wholesale, VIP), and
their accounts: an argon2 password hash, sessions and password resets stored only as digests, and
addresses with Bangladeshi fields."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, TenantScoped, Timestamped, new_id


class Customer(TenantScoped, Timestamped, Base):
    """One person known to one store, by email or phone (+880 form) or both; at least one is set."""

    __tablename__ = "customers"
    __table_args__ = (
        # Case-insensitive uniqueness: "Rahim@Example.com" and "rahim@example.com" are one customer.
        Index("uq_customers_store_email", "store_id", func.lower("email"), unique=True),
        UniqueConstraint("store_id", "phone"),
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="contact"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(20))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    # None: a customer staff created or a guest checkout recorded, without an account yet.
    password_hash: Mapped[str | None] = mapped_column(String(200))


class CustomerGroup(TenantScoped, Timestamped, Base):
    """A store-defined set of customers, assigned by staff; price lists and promotion rules target it."""

    __tablename__ = "customer_groups"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))


class CustomerGroupMember(TenantScoped, Timestamped, Base):
    __tablename__ = "customer_group_members"

    group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customer_groups.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CustomerSession(TenantScoped, Timestamped, Base):
    """A storefront login. Only the sha256 of the token is kept; logout sets `revoked_at`."""

    __tablename__ = "customer_sessions"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PasswordReset(TenantScoped, Timestamped, Base):
    """One reset token's record: the token is signed and carries this id; `used_at` makes it single-use."""

    __tablename__ = "customer_password_resets"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CustomerAddress(TenantScoped, Timestamped, Base):
    """A saved address; the fields match `AddressSnapshot`, validated by domain.customers.addresses."""

    __tablename__ = "customer_addresses"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20))
    line1: Mapped[str] = mapped_column(String(300))
    line2: Mapped[str] = mapped_column(String(300), default="")
    division: Mapped[str] = mapped_column(String(32))
    district: Mapped[str] = mapped_column(String(32))
    upazila: Mapped[str] = mapped_column(String(100), default="")
    postcode: Mapped[str] = mapped_column(String(8), default="")
    country: Mapped[str] = mapped_column(String(2), default="BD")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
