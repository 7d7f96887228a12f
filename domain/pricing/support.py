"""What pricing services share: find-or-fail with pricing's codes, the store's currencies, the products a
set of variants belongs to (for event data), and the store's default price list."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import select, text

from domain.catalog.models import ProductVariant
from domain.errors import DomainError
from domain.pricing.errors import PricingErrorCode
from domain.pricing.models import PriceList, PriceListPrice, PriceTier
from domain.tenancy.models import Store
from domain.tenancy.services import current_store
from domain.uow import UnitOfWork

M = TypeVar("M")


async def require(uow: UnitOfWork, model: type[M], id_: uuid.UUID, *, field: str, lock: bool = False) -> M:
    row = await uow.session.get(model, id_, with_for_update=lock)
    if row is None or getattr(row, "store_id", uow.store_id) != uow.store_id:
        raise DomainError(PricingErrorCode.NOT_FOUND, f"no {model.__name__} with this id", field=field)
    return row


async def store(uow: UnitOfWork) -> Store:
    return await current_store(uow)


def check_currency(shop: Store, currency: str, *, field: str) -> None:
    if currency not in shop.currencies:
        raise DomainError(
            PricingErrorCode.UNSUPPORTED_CURRENCY, f"the store does not sell in {currency}", field=field
        )


async def products_of_variants(uow: UnitOfWork, variant_ids: Iterable[uuid.UUID]) -> list[str]:
    ids = sorted(set(variant_ids))
    if not ids:
        return []
    rows = await uow.session.scalars(
        select(ProductVariant.product_id).where(ProductVariant.id.in_(ids)).distinct()
    )
    return sorted(str(r) for r in rows.all())


async def products_of_list(uow: UnitOfWork, list_id: uuid.UUID) -> list[str]:
    """Products with a price or tier on the list (what its schedule, audience or priority changes)."""
    prices = select(PriceListPrice.variant_id).where(PriceListPrice.price_list_id == list_id)
    tiers = select(PriceTier.variant_id).where(PriceTier.price_list_id == list_id)
    variants = list((await uow.session.scalars(prices.union(tiers))).all())
    return await products_of_variants(uow, variants)


_ENSURE_DEFAULT = text(
    "INSERT INTO price_lists (id, code, name, is_default, active, priority, store_id, created_at)"
    " VALUES (:id, 'default', 'Default', true, true, 0, :store, now())"
    " ON CONFLICT DO NOTHING"
)
_DEFAULT_NAMESPACE = uuid.UUID("6f1d4c1e-5b7a-4f0e-9a53-3d3f0c2b8d10")


def default_list_id(store_id: uuid.UUID) -> uuid.UUID:
    """The default list's id is derived from the store's, so reads can name the list before any write
    has created its row (reads never write)."""
    return uuid.uuid5(_DEFAULT_NAMESPACE, str(store_id))


def virtual_default(store_id: uuid.UUID) -> PriceList:
    """The default list as it is before its row exists (not added to any session)."""
    return PriceList(
        id=default_list_id(store_id),
        code="default",
        name="Default",
        is_default=True,
        active=True,
        priority=0,
        starts_at=None,
        ends_at=None,
        store_id=store_id,
    )


async def default_list(uow: UnitOfWork) -> PriceList:
    """The store's default list row, created on first write that needs it (its tiers belong to it)."""
    found = await uow.session.get(PriceList, default_list_id(uow.store_id))
    if found is not None:
        return found
    await uow.session.execute(_ENSURE_DEFAULT, {"store": uow.store_id, "id": default_list_id(uow.store_id)})
    made = await uow.session.get(PriceList, default_list_id(uow.store_id))
    assert made is not None
    return made


async def require_list(uow: UnitOfWork, list_id: uuid.UUID, *, field: str) -> PriceList:
    if list_id == default_list_id(uow.store_id):
        return await default_list(uow)
    return await require(uow, PriceList, list_id, field=field, lock=True)
