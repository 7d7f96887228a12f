"""The admin audit log: one hash-chained row per admin mutation."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, LargeBinary, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, TenantScoped, new_id, utcnow


class AuditEntry(TenantScoped, Base):
    __tablename__ = "audit_log"
    __table_args__ = (UniqueConstraint("store_id", "seq"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    seq: Mapped[int] = mapped_column(BigInteger)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    operation: Mapped[str] = mapped_column(String(120))
    input_summary: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    result: Mapped[str] = mapped_column(String(20))
    result_detail: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    request_id: Mapped[str] = mapped_column(String(100), default="")
    prev_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))
