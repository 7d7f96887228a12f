"""Customers as far as pricing and promotions need them: who they are in one store, and the
store-defined groups staff put them in (wholesale, VIP). Accounts, passwords and addresses belong to the
checkout work, which extends these tables."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, func
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
