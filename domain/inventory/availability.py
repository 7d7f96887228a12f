"""How many units of each variant can still be sold: the one question the cart asks of inventory.

This first version reads the catalog's stock levels; the inventory ledger replaces the body and keeps the
signature, so the cart never changes when reservations arrive."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select

from domain.catalog.models import ProductVariant, StockLevel
from domain.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Availability:
    variant_id: uuid.UUID
    # None when the variant does not track inventory: any quantity can be sold.
    available: int | None
    allow_backorder: bool = False

    def can_sell(self, quantity: int) -> bool:
        return self.available is None or self.allow_backorder or quantity <= self.available


async def available(uow: UnitOfWork, variant_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Availability]:
    """Availability of each known variant in one statement; unknown ids are absent from the answer."""
    if not variant_ids:
        return {}
    rows = await uow.session.execute(
        select(
            ProductVariant.id,
            ProductVariant.track_inventory,
            func.coalesce(func.sum(StockLevel.on_hand - StockLevel.reserved), 0),
            func.coalesce(func.bool_or(StockLevel.allow_backorder), False),
        )
        .outerjoin(StockLevel, StockLevel.variant_id == ProductVariant.id)
        .where(ProductVariant.id.in_(list(variant_ids)))
        .group_by(ProductVariant.id, ProductVariant.track_inventory)
    )
    return {
        vid: Availability(vid, max(int(units), 0) if track else None, bool(backorder))
        for vid, track, units, backorder in rows
    }
