"""Persisted GraphQL documents an admin registered for one store.

The files in persisted_queries/ are global; these rows belong to one store each.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, TenantScoped, Timestamped, new_id


class PersistedDocument(TenantScoped, Timestamped, Base):
    __tablename__ = "persisted_documents"
    __table_args__ = (UniqueConstraint("store_id", "sha256"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    operation_type: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    cost: Mapped[int] = mapped_column(Integer, default=0)
