"""What an admin tool reads of inventory: a variant's stock (on-hand per location, reserved, free) and its
ledger, newest first. Reads only; the writers are ledger.py and reservations.py."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_

from domain.inventory.models import Adjustment, InventoryPolicy
from domain.inventory.queries import free_units, levels
from domain.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class StockView:
    variant_id: uuid.UUID
    tracked: bool
    policy: InventoryPolicy
    low_stock_threshold: int | None
    on_hand: int
    # Units held by checkouts whose reservation has not expired.
    reserved: int
    # (location, on_hand) at active locations, the one shipped from first leading.
    locations: list[tuple[str, int]]

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


async def stock(uow: UnitOfWork, variant_ids: Sequence[uuid.UUID]) -> list[StockView]:
    """Stock of each known variant, in the order asked (unknown ids left out): two statements."""
    free = await free_units(uow.session, uow.store_id, variant_ids, now=uow.clock())
    at = await levels(uow.session, uow.store_id, list(free))
    return [
        StockView(
            vid,
            f.track_inventory,
            f.policy,
            f.low_stock_threshold,
            f.on_hand,
            f.reserved,
            at.get(vid, []),
        )
        for vid in dict.fromkeys(variant_ids)
        if (f := free.get(vid)) is not None
    ]


async def ledger(
    uow: UnitOfWork,
    variant_id: uuid.UUID,
    *,
    first: int,
    before: tuple[datetime, uuid.UUID] | None = None,
) -> list[Adjustment]:
    """Up to `first` adjustments of the variant, newest first; `before` continues after the last one
    read (its created_at and id), so a page never shifts when new rows arrive."""
    stmt = select(Adjustment).where(Adjustment.store_id == uow.store_id, Adjustment.variant_id == variant_id)
    if before is not None:
        stmt = stmt.where(tuple_(Adjustment.created_at, Adjustment.id) < tuple_(*before))
    stmt = stmt.order_by(Adjustment.created_at.desc(), Adjustment.id.desc()).limit(first)
    return list((await uow.session.scalars(stmt)).all())
