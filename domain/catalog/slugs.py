"""Generated slugs: from a name, made unique in the store by a numeric suffix."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from domain.text import slugify
from domain.uow import UnitOfWork


async def unique_slug(uow: UnitOfWork, column: InstrumentedAttribute[str], source: str, fallback: str) -> str:
    """A slug from `source` (`fallback` when nothing usable is left), suffixed -2, -3… past the ones the
    store already uses in `column` (e.g. `Category.slug`)."""
    base = slugify(source, max_length=190) or fallback
    # slugify keeps letters, marks, digits and '-', so the base holds no LIKE wildcard.
    taken = set(
        (await uow.session.scalars(select(column).where((column == base) | column.like(f"{base}-%")))).all()
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
