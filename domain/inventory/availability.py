"""How many units of each variant can still be sold: the one question the cart asks of inventory.

Free units are on-hand summed over locations minus reservations that have not expired (see
domain/inventory/queries.py): an expired reservation stops counting at its expiry, no sweeper involved."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from domain.inventory.models import InventoryPolicy
from domain.inventory.queries import free_units
from domain.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Availability:
    variant_id: uuid.UUID
    # None when the variant does not track inventory: any quantity can be sold.
    available: int | None
    allow_backorder: bool = False
    # deny / backorder / preorder; allow_backorder is True for the last two.
    policy: InventoryPolicy = InventoryPolicy.DENY

    def can_sell(self, quantity: int) -> bool:
        return self.available is None or self.allow_backorder or quantity <= self.available


async def available(uow: UnitOfWork, variant_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Availability]:
    """Availability of each known variant in one statement; unknown ids are absent from the answer."""
    if not variant_ids:
        return {}
    free = await free_units(uow.session, uow.store_id, list(variant_ids), now=uow.clock())
    return {
        vid: Availability(
            vid,
            max(f.free, 0) if f.track_inventory else None,
            f.policy is not InventoryPolicy.DENY,
            f.policy,
        )
        for vid, f in free.items()
    }
