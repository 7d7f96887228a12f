"""Helpers every catalog write service shares: find-or-fail, unique-violation mapping, and which products a
change shows up in (the `product_ids` of its event)."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.catalog.errors import CatalogErrorCode
from domain.catalog.models import BundleItem, ProductVariant
from domain.errors import DomainError
from domain.uow import UnitOfWork

M = TypeVar("M")


async def require(uow: UnitOfWork, model: type[M], id_: uuid.UUID, *, field: str, lock: bool = False) -> M:
    """The row of this store, or NOT_FOUND on `field` (another store's row is not found either)."""
    row = await uow.session.get(model, id_, with_for_update=lock)
    if row is None or getattr(row, "store_id", uow.store_id) != uow.store_id:
        raise DomainError(CatalogErrorCode.NOT_FOUND, f"no {model.__name__} with this id", field=field)
    return row


async def flush_unique(uow: UnitOfWork, code: enum.Enum, message: str, *, field: str) -> None:
    """Flush in a savepoint; a unique violation becomes `code` on `field` and the transaction lives on."""
    try:
        async with uow.session.begin_nested():
            await uow.session.flush()
    except IntegrityError as exc:
        if "unique" not in str(exc.orig).lower() and "duplicate" not in str(exc.orig).lower():
            raise
        raise DomainError(code, message, field=field) from None


async def flush_in_use(uow: UnitOfWork, message: str, *, field: str) -> None:
    """Flush a delete in a savepoint; a foreign key that restricts it becomes IN_USE."""
    try:
        async with uow.session.begin_nested():
            await uow.session.flush()
    except IntegrityError as exc:
        if "foreign key" not in str(exc.orig).lower():
            raise
        raise DomainError(CatalogErrorCode.IN_USE, message, field=field) from None


async def bundles_containing(session: AsyncSession, variant_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    ids = list(variant_ids)
    if not ids:
        return []
    rows = await session.scalars(
        select(BundleItem.bundle_product_id).where(BundleItem.variant_id.in_(ids)).distinct()
    )
    return sorted(rows.all())


async def affected_by_variant(session: AsyncSession, variant: ProductVariant) -> list[str]:
    """The owning product and every bundle the variant is part of: their storefront views change."""
    bundles = await bundles_containing(session, [variant.id])
    return product_ids([variant.product_id, *bundles])


def product_ids(ids: Iterable[uuid.UUID]) -> list[str]:
    return [str(i) for i in dict.fromkeys(ids)]
