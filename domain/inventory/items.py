"""Per-variant inventory settings: what to do when stock runs out, and when to warn that it is low."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from domain.catalog.models import ProductVariant
from domain.errors import DomainError
from domain.inventory.errors import InventoryErrorCode
from domain.inventory.models import InventoryItem, InventoryPolicy
from domain.uow import UnitOfWork

MAX_THRESHOLD = 1_000_000


async def update_item(
    uow: UnitOfWork, variant_id: uuid.UUID, *, policy: InventoryPolicy, low_stock_threshold: int | None
) -> InventoryItem:
    """Set a variant's policy (deny / backorder / preorder) and low-stock threshold (null: no warning)."""
    if low_stock_threshold is not None and not 0 <= low_stock_threshold <= MAX_THRESHOLD:
        raise DomainError(
            InventoryErrorCode.INVALID, f"the threshold is 0 to {MAX_THRESHOLD}", field="lowStockThreshold"
        )
    exists = await uow.session.scalar(select(ProductVariant.id).where(ProductVariant.id == variant_id))
    if exists is None:
        raise DomainError(InventoryErrorCode.NOT_FOUND, "no variant with this id", field="variantId")
    stmt = insert(InventoryItem).values(
        store_id=uow.store_id,
        variant_id=variant_id,
        policy=policy,
        low_stock_threshold=low_stock_threshold,
        updated_at=uow.clock(),
    )
    await uow.session.execute(
        stmt.on_conflict_do_update(
            index_elements=[InventoryItem.variant_id],
            set_={
                "policy": stmt.excluded.policy,
                "low_stock_threshold": stmt.excluded.low_stock_threshold,
                "updated_at": stmt.excluded.updated_at,
            },
        )
    )
    item = await uow.session.scalar(
        select(InventoryItem)
        .where(InventoryItem.variant_id == variant_id)
        .execution_options(populate_existing=True)
    )
    assert item is not None
    return item
