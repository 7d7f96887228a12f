"""A variant's base price per currency, as the catalog knows it (pricing will add lists and tiers)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from domain.catalog import events
from domain.catalog.errors import CatalogErrorCode
from domain.catalog.inputs import PriceInput
from domain.catalog.models import ProductVariant, VariantPrice
from domain.catalog.writes import affected_by_variant, require
from domain.errors import DomainError
from domain.tenancy.services import current_store
from domain.uow import UnitOfWork


async def set_variant_prices(
    uow: UnitOfWork, variant_id: uuid.UUID, prices: Sequence[PriceInput]
) -> list[VariantPrice]:
    """Set the variant's price in each given currency (others stay). Currencies must be the store's.
    Returns every price of the variant afterwards, by currency."""
    variant = await require(uow, ProductVariant, variant_id, field="variantId", lock=True)
    currencies = [p.currency for p in prices]
    if len(set(currencies)) != len(currencies):
        raise DomainError(CatalogErrorCode.INVALID, "each currency may appear once", field="prices")
    supported = set((await current_store(uow)).currencies)
    for index, price in enumerate(prices):
        if price.currency not in supported:
            raise DomainError(
                CatalogErrorCode.UNSUPPORTED_CURRENCY,
                f"the store does not sell in {price.currency}",
                field=f"prices.{index}.currency",
            )
    await upsert_prices(uow, [(variant.id, p) for p in prices])
    uow.emit(
        events.PRICE_UPDATED,
        {
            "id": str(variant.id),
            "currencies": currencies,
            "product_ids": await affected_by_variant(uow.session, variant),
        },
    )
    return await variant_prices(uow, variant.id)


async def upsert_prices(uow: UnitOfWork, rows: Sequence[tuple[uuid.UUID, PriceInput]]) -> None:
    """Write validated prices in one statement (no checks, no event: callers do both)."""
    if not rows:
        return
    stmt = insert(VariantPrice).values(
        [
            {
                "store_id": uow.store_id,
                "variant_id": variant_id,
                "currency": p.currency,
                "amount": p.amount,
                "compare_at_amount": p.compare_at_amount,
            }
            for variant_id, p in rows
        ]
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[VariantPrice.variant_id, VariantPrice.currency],
        set_={"amount": stmt.excluded.amount, "compare_at_amount": stmt.excluded.compare_at_amount},
    )
    await uow.session.execute(stmt)


async def variant_prices(uow: UnitOfWork, variant_id: uuid.UUID) -> list[VariantPrice]:
    rows = await uow.session.scalars(
        select(VariantPrice)
        .where(VariantPrice.variant_id == variant_id)
        .order_by(VariantPrice.currency)
        .execution_options(populate_existing=True)
    )
    return list(rows.all())
