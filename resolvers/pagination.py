"""Keyset pagination over (created_at, id): stable under inserts, one indexed range scan per page."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from domain.errors import DomainError

T = TypeVar("T")
MAX_PAGE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[tuple[str, T]]
    has_next_page: bool
    has_previous_page: bool


def encode_cursor(created_at: datetime, id_: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(json.dumps([created_at.isoformat(), str(id_)]).encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw, ident = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return datetime.fromisoformat(raw), uuid.UUID(ident)
    except (binascii.Error, ValueError, TypeError, json.JSONDecodeError):
        raise DomainError("INVALID_CURSOR", "cursor is malformed", field="after") from None


def page_size(first: int | None, default: int) -> int:
    size = default if first is None else first
    if size < 0 or size > MAX_PAGE:
        raise DomainError("INVALID_PAGE_SIZE", f"first must be between 0 and {MAX_PAGE}", field="first")
    return size


def keyset(
    stmt: Select[Any],
    created_col: InstrumentedAttribute[datetime],
    id_col: InstrumentedAttribute[uuid.UUID],
    *,
    first: int,
    after: str | None,
) -> Select[Any]:
    if after:
        at, ident = decode_cursor(after)
        stmt = stmt.where(or_(created_col > at, and_(created_col == at, id_col > ident)))
    return stmt.order_by(created_col, id_col).limit(first + 1)


def to_page(rows: Sequence[T], first: int, *, after: str | None, key: Any) -> Page[T]:
    visible = list(rows[:first])
    return Page(
        items=[(encode_cursor(*key(r)), r) for r in visible],
        has_next_page=len(rows) > first,
        has_previous_page=after is not None,
    )
