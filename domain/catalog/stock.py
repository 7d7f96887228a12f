"""Units on hand per variant and location, as the catalog knows them (inventory will add the ledger and
reservations)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from domain.catalog import events
from domain.catalog.inputs import StockInput
from domain.catalog.models import ProductVariant, StockLevel
from domain.catalog.writes import affected_by_variant, require
from domain.uow import UnitOfWork


async def set_stock_level(uow: UnitOfWork, variant_id: uuid.UUID, data: StockInput) -> StockLevel:
    """Set units on hand and the backorder flag of a variant at one location; reservations stay."""
    variant = await require(uow, ProductVariant, variant_id, field="variantId", lock=True)
    await upsert_stock(uow, variant.id, data)
    uow.emit(
        events.STOCK_UPDATED,
        {
            "id": str(variant.id),
            "location": data.location,
            "product_ids": await affected_by_variant(uow.session, variant),
        },
    )
    level = await uow.session.scalar(
        select(StockLevel)
        .where(StockLevel.variant_id == variant.id, StockLevel.location == data.location)
        .execution_options(populate_existing=True)
    )
    assert level is not None
    return level


async def upsert_stock(uow: UnitOfWork, variant_id: uuid.UUID, data: StockInput) -> None:
    """Write one validated stock level (no event: callers emit)."""
    stmt = insert(StockLevel).values(
        store_id=uow.store_id,
        variant_id=variant_id,
        location=data.location,
        on_hand=data.on_hand,
        reserved=0,
        allow_backorder=data.allow_backorder,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[StockLevel.variant_id, StockLevel.location],
        set_={"on_hand": stmt.excluded.on_hand, "allow_backorder": stmt.excluded.allow_backorder},
    )
    await uow.session.execute(stmt)
