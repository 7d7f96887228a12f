"""One idempotency key per (store, scope, key): the claim of a running request, then its stored answer."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, TenantScoped


class IdempotencyKey(TenantScoped, Base):
    __tablename__ = "idempotency_keys"

    store_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    # Who may replay it: the token (and customer session) that sent it.
    scope: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    operation: Mapped[str] = mapped_column(String(100))
    # sha256 of the operation and its canonical JSON payload.
    fingerprint: Mapped[str] = mapped_column(String(64))
    # in_progress | completed
    status: Mapped[str] = mapped_column(String(16))
    # Fencing number: bumped each time a crashed claim is taken over; completing checks it.
    attempt: Mapped[int] = mapped_column(Integer)
    # A claim whose lease passed belongs to a dead request: a retry may take it over.
    locked_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
