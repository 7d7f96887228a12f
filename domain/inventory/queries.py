"""Batch reads and writes of stock in raw SQL, each with an explicit store id (row-level security backs it).

One query answers "how many units of each variant are free": on-hand summed over locations minus the
reservations that have not expired. Expiry is a comparison with `now`, so an abandoned reservation stops
counting the moment it expires, whether or not anything ever deletes it."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.inventory.models import InventoryPolicy

_FREE = text(
    """
    SELECT v.id, v.track_inventory,
           COALESCE((SELECT sum(s.on_hand) FROM stock_levels s
                     WHERE s.store_id = :store AND s.variant_id = v.id), 0) AS on_hand,
           COALESCE((SELECT sum(r.quantity) FROM stock_reservations r
                     WHERE r.store_id = :store AND r.variant_id = v.id AND r.expires_at > :now
                       AND r.holder <> :holder), 0) AS reserved,
           COALESCE(i.policy, CASE WHEN (SELECT bool_or(s.allow_backorder) FROM stock_levels s
                                         WHERE s.store_id = :store AND s.variant_id = v.id)
                                   THEN 'backorder' ELSE 'deny' END) AS policy,
           i.low_stock_threshold
    FROM product_variants v
    LEFT JOIN inventory_items i ON i.store_id = v.store_id AND i.variant_id = v.id
    WHERE v.store_id = :store AND v.id = ANY(:ids)
    """
)

# Row locks on the variants, always in id order, so two checkouts of the same variants queue instead of
# deadlocking. NO KEY UPDATE leaves foreign-key checks (order lines, reservations) unblocked.
_LOCK = text(
    "SELECT id FROM product_variants WHERE store_id = :store AND id = ANY(:ids) ORDER BY id FOR NO KEY UPDATE"
)

_LEVELS = text(
    """
    SELECT s.variant_id, s.location, s.on_hand
    FROM stock_levels s
    LEFT JOIN inventory_locations l ON l.store_id = s.store_id AND l.code = s.location
    WHERE s.store_id = :store AND s.variant_id = ANY(:ids) AND COALESCE(l.active, true)
    ORDER BY s.variant_id, COALESCE(l.priority, 0) DESC, s.on_hand DESC, s.location
    """
)

_TAKE = text(
    """
    UPDATE stock_levels s SET on_hand = s.on_hand - t.take
    FROM unnest(CAST(:vids AS uuid[]), CAST(:locs AS text[]), CAST(:takes AS int[]), CAST(:negs AS bool[]))
         AS t(variant_id, location, take, may_go_negative)
    WHERE s.store_id = :store AND s.variant_id = t.variant_id AND s.location = t.location
      AND (s.on_hand >= t.take OR t.may_go_negative)
    RETURNING s.variant_id, s.location, s.on_hand
    """
)


@dataclass(frozen=True, slots=True)
class Free:
    """Free units of one variant as of one instant: on-hand minus unexpired reservations of others."""

    variant_id: uuid.UUID
    track_inventory: bool
    on_hand: int
    reserved: int
    policy: InventoryPolicy
    low_stock_threshold: int | None

    @property
    def free(self) -> int:
        return self.on_hand - self.reserved

    @property
    def oversell_allowed(self) -> bool:
        return not self.track_inventory or self.policy is not InventoryPolicy.DENY


async def free_units(
    session: AsyncSession,
    store_id: uuid.UUID,
    variant_ids: Collection[uuid.UUID],
    *,
    now: datetime,
    holder: str = "",
) -> dict[uuid.UUID, Free]:
    """Free units per known variant, in one statement; `holder`'s own reservations do not count against it."""
    rows = await session.execute(
        _FREE, {"store": store_id, "ids": list(variant_ids), "now": now, "holder": holder}
    )
    return {
        r.id: Free(
            r.id,
            r.track_inventory,
            int(r.on_hand),
            int(r.reserved),
            InventoryPolicy(r.policy),
            r.low_stock_threshold,
        )
        for r in rows
    }


async def lock_variants(
    session: AsyncSession, store_id: uuid.UUID, variant_ids: Collection[uuid.UUID]
) -> set[uuid.UUID]:
    """Lock the variants' rows in id order for the rest of the transaction; returns the ids that exist."""
    rows = await session.execute(_LOCK, {"store": store_id, "ids": sorted(set(variant_ids))})
    return {r.id for r in rows}


async def levels(
    session: AsyncSession, store_id: uuid.UUID, variant_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[str, int]]]:
    """(location, on_hand) per variant at active locations, the location to ship from first."""
    out: dict[uuid.UUID, list[tuple[str, int]]] = {}
    for r in await session.execute(_LEVELS, {"store": store_id, "ids": list(variant_ids)}):
        out.setdefault(r.variant_id, []).append((r.location, int(r.on_hand)))
    return out


async def take_units(
    session: AsyncSession, store_id: uuid.UUID, takes: Sequence[tuple[uuid.UUID, str, int, bool]]
) -> dict[tuple[uuid.UUID, str], int]:
    """Subtract units at (variant, location) in one statement, each only if on-hand covers it (or the
    variant may go negative). Returns the new on-hand of each row it changed."""
    rows = await session.execute(
        _TAKE,
        {
            "store": store_id,
            "vids": [t[0] for t in takes],
            "locs": [t[1] for t in takes],
            "takes": [t[2] for t in takes],
            "negs": [t[3] for t in takes],
        },
    )
    return {(r.variant_id, r.location): int(r.on_hand) for r in rows}
