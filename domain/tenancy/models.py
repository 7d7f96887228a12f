"""Organisations own stores; staff users belong to organisations through memberships."""

from __future__ import annotations

import enum
import uuid

from sqlalchemy import ARRAY, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, Timestamped, new_id


class StoreStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class MembershipRole(enum.StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    STAFF = "staff"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


class Organization(Timestamped, Base):
    __tablename__ = "organizations"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Store(Timestamped, Base):
    """A store is its own tenant: row-level security compares `id` with the transaction's store."""

    __tablename__ = "stores"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    default_currency: Mapped[str] = mapped_column(String(3))
    currencies: Mapped[list[str]] = mapped_column(ARRAY(String(3)))
    default_locale: Mapped[str] = mapped_column(String(16))
    locales: Mapped[list[str]] = mapped_column(ARRAY(String(16)))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Dhaka")
    # Origins (scheme://host[:port]) of the store's storefronts: where a payment may send the shopper back.
    storefront_origins: Mapped[list[str]] = mapped_column(ARRAY(String(300)), default=list)
    status: Mapped[StoreStatus] = mapped_column(
        _enum(StoreStatus, "store_status"), default=StoreStatus.ACTIVE
    )


class User(Timestamped, Base):
    """Staff. Customers are store-scoped and live with checkout."""

    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)


class Membership(Timestamped, Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("organization_id", "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organizations.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[MembershipRole] = mapped_column(_enum(MembershipRole, "membership_role"))
