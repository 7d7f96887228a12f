"""Engines, the declarative base and the tenant mixin every store-owned table uses."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class TenantScoped:
    """A row that belongs to exactly one store. The unit of work filters and stamps `store_id`."""

    @declared_attr
    def store_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(UUID(as_uuid=True), nullable=False, index=True)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), default=utcnow
    )


@dataclass(frozen=True)
class Database:
    """The app-role engines: `primary` for writes, `replica` for reads (the primary when none is set)."""

    primary: AsyncEngine
    replica: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    read_sessions: async_sessionmaker[AsyncSession]

    async def dispose(self) -> None:
        await self.primary.dispose()
        if self.replica is not self.primary:
            await self.replica.dispose()


def create_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=False,
        connect_args={"server_settings": {"application_name": "stormcom"}},
    )


def create_database(
    url: str, read_url: str | None = None, *, pool_size: int = 10, max_overflow: int = 10
) -> Database:
    primary = create_engine(url, pool_size=pool_size, max_overflow=max_overflow)
    replica = create_engine(read_url, pool_size=pool_size, max_overflow=max_overflow) if read_url else primary
    return Database(
        primary=primary,
        replica=replica,
        sessions=async_sessionmaker(primary, expire_on_commit=False, autoflush=False),
        read_sessions=async_sessionmaker(replica, expire_on_commit=False, autoflush=False),
    )
