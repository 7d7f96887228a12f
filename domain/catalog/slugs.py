"""Generated slugs: from a name, made unique in the store by a numeric suffix."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from domain.text import slugify
from domain.uow import UnitOfWork


async def unique_slug(
    uow: UnitOfWork,
    column: InstrumentedAttribute[str],
    source: str,
    fallback: str,
    *,
    max_length: int = 190,
    exclude: uuid.UUID | None = None,
) -> str:
    """A slug from `source` (`fallback` when nothing usable is left), suffixed -2, -3… past the ones the
    store already uses in `column` (e.g. `Category.slug`); the row `exclude`, being renamed, is ignored."""
    base = slugify(source, max_length=max_length) or fallback
    # slugify keeps letters, marks, digits and '-', so the base holds no LIKE wildcard.
    stmt = select(column).where((column == base) | column.like(f"{base}-%"))
    if exclude is not None:
        entity: Any = column.class_
        stmt = stmt.where(entity.id != exclude)
    taken = set((await uow.session.scalars(stmt)).all())
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
