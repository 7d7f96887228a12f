"""Units on hand per variant and location as the catalog's admin API sets them: through the inventory
ledger (a counted figure enters it as a `correction`), so the ledger always sums to on-hand."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from domain.catalog import events
from domain.catalog.inputs import StockInput
from domain.catalog.models import ProductVariant, StockLevel
from domain.catalog.writes import affected_by_variant, require
from domain.inventory.ledger import set_on_hand
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
    """Write one validated stock level (no event: callers emit). On-hand changes go through the ledger."""
    actor = uow.audit.actor if uow.audit is not None else "system"
    await set_on_hand(uow, variant_id, data.on_hand, location=data.location, actor=actor)
    await uow.session.execute(
        update(StockLevel)
        .where(StockLevel.variant_id == variant_id, StockLevel.location == data.location)
        .values(allow_backorder=data.allow_backorder)
        .execution_options(synchronize_session=False)
    )
