"""The adjustment ledger: the only writer of `stock_levels.on_hand`.

Every change of on-hand at a location writes one `inventory_adjustments` row with its reason, in the same
transaction, so the ledger of a (variant, location) sums to its on-hand (tests/domain/inventory checks it as a
property). Writers first lock the variant rows in id order (queries.lock_variants) and then change on-hand
with a conditional UPDATE: never read-then-write.

Reasons: `received` (goods in), `sold` (an order placed: domain/inventory/reservations.commit_sale),
`returned` (a return received back into stock), `damaged` (written off), `correction` (a count),
`reservation_released` (units of a cancelled order put back).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from domain.catalog.models import StockLevel
from domain.errors import DomainError
from domain.inventory import events
from domain.inventory.errors import InventoryErrorCode
from domain.inventory.models import Adjustment, AdjustmentReason, Location
from domain.inventory.queries import Free, free_units, lock_variants, take_units
from domain.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Move:
    """`delta` units at one location of one variant (negative takes units away)."""

    variant_id: uuid.UUID
    location: str
    delta: int


@dataclass(frozen=True, slots=True)
class Reference:
    """What caused an adjustment, e.g. Reference("order", order.id) or Reference("return", return.id)."""

    type: str
    id: uuid.UUID


async def ensure_levels(uow: UnitOfWork, pairs: Sequence[tuple[uuid.UUID, str]]) -> None:
    """Create missing locations and zero stock levels for (variant, location) pairs (no ledger row: 0)."""
    if not pairs:
        return
    codes = sorted({loc for _, loc in pairs})
    await uow.session.execute(
        insert(Location)
        .values([{"store_id": uow.store_id, "code": c, "name": c} for c in codes])
        .on_conflict_do_nothing()
    )
    await uow.session.execute(
        insert(StockLevel)
        .values(
            [
                {"store_id": uow.store_id, "variant_id": v, "location": loc, "on_hand": 0, "reserved": 0}
                for v, loc in sorted(set(pairs))
            ]
        )
        .on_conflict_do_nothing()
    )


async def apply_moves(
    uow: UnitOfWork,
    moves: Sequence[Move],
    *,
    reason: AdjustmentReason,
    actor: str,
    reference: Reference | None = None,
    note: str = "",
    allow_negative: bool = False,
    negative_ok: frozenset[uuid.UUID] = frozenset(),
    before: dict[uuid.UUID, Free] | None = None,
) -> dict[tuple[uuid.UUID, str], int]:
    """Apply moves whose variants the caller has locked; write their ledger rows. Returns the new on-hand
    per (variant, location). A move that would take a level below zero fails with NEGATIVE_STOCK unless
    `allow_negative`, or its variant is in `negative_ok` (backorders). `before` (free units read under
    the lock) lets low-stock be detected without another read."""
    moves = [m for m in moves if m.delta != 0]
    if not moves:
        return {}
    after = await take_units(
        uow.session,
        uow.store_id,
        [
            (m.variant_id, m.location, -m.delta, allow_negative or m.delta > 0 or m.variant_id in negative_ok)
            for m in moves
        ],
    )
    if len(after) != len({(m.variant_id, m.location) for m in moves}):
        missing = next(m for m in moves if (m.variant_id, m.location) not in after)
        raise DomainError(
            InventoryErrorCode.NEGATIVE_STOCK,
            f"not enough units of {missing.variant_id} at {missing.location}",
            field="quantity",
        )
    now = uow.clock()
    uow.session.add_all(
        Adjustment(
            store_id=uow.store_id,
            created_at=now,
            variant_id=m.variant_id,
            location=m.location,
            delta=m.delta,
            reason=reason,
            balance_after=after[(m.variant_id, m.location)],
            reference_type=reference.type if reference else None,
            reference_id=reference.id if reference else None,
            note=note,
            actor=actor,
            request_id=uow.correlation_id,
        )
        for m in moves
    )
    await uow.session.flush()
    if before is not None:
        _emit_low_stock(uow, moves, before)
    return after


def _emit_low_stock(uow: UnitOfWork, moves: Sequence[Move], before: dict[uuid.UUID, Free]) -> None:
    # Once per crossing: only when on-hand goes from above the threshold to at or below it.
    change: dict[uuid.UUID, int] = {}
    for m in moves:
        change[m.variant_id] = change.get(m.variant_id, 0) + m.delta
    for vid, delta in sorted(change.items()):
        free = before.get(vid)
        if free is None or free.low_stock_threshold is None or not free.track_inventory:
            continue
        old, new = free.on_hand, free.on_hand + delta
        if old > free.low_stock_threshold >= new:
            uow.emit(
                events.LOW_STOCK,
                {"variant_id": str(vid), "on_hand": new, "threshold": free.low_stock_threshold},
            )


async def adjust(
    uow: UnitOfWork,
    variant_id: uuid.UUID,
    delta: int,
    *,
    reason: AdjustmentReason,
    actor: str,
    location: str = "default",
    reference: Reference | None = None,
    note: str = "",
) -> int:
    """Change on-hand of one variant at one location by `delta` and record why; returns the new on-hand
    there. Taking more than the location holds fails with NEGATIVE_STOCK (nothing changes).

    This is the call for goods received (`received`), write-offs (`damaged`), returns restocked
    (`returned`, with Reference("return", id)) and counts (`correction`). Emits `inventory.adjusted`
    and, when on-hand crosses the variant's threshold, `inventory.low_stock`."""
    if delta == 0:
        raise DomainError(InventoryErrorCode.INVALID_QUANTITY, "the change must not be zero", field="delta")
    if reason is AdjustmentReason.SOLD:
        # Sales take stock with their reservations (reservations.commit_sale), never around them.
        raise DomainError(InventoryErrorCode.INVALID, "sales go through checkout", field="reason")
    if not await lock_variants(uow.session, uow.store_id, [variant_id]):
        raise DomainError(InventoryErrorCode.NOT_FOUND, "no variant with this id", field="variantId")
    await ensure_levels(uow, [(variant_id, location)])
    before = await free_units(uow.session, uow.store_id, [variant_id], now=uow.clock())
    after = await apply_moves(
        uow,
        [Move(variant_id, location, delta)],
        reason=reason,
        actor=actor,
        reference=reference,
        note=note,
        before=before,
    )
    on_hand = after[(variant_id, location)]
    uow.emit(
        events.STOCK_ADJUSTED,
        {
            "variant_id": str(variant_id),
            "location": location,
            "delta": delta,
            "reason": reason.value,
            "on_hand": on_hand,
        },
    )
    return on_hand


async def set_on_hand(
    uow: UnitOfWork,
    variant_id: uuid.UUID,
    on_hand: int,
    *,
    actor: str,
    location: str = "default",
    reason: AdjustmentReason = AdjustmentReason.CORRECTION,
    note: str = "",
) -> int:
    """Set on-hand at one location to a counted figure; the difference enters the ledger (`correction` by
    default). Returns the change (0 writes nothing)."""
    if on_hand < 0:
        raise DomainError(InventoryErrorCode.INVALID_QUANTITY, "on-hand cannot be negative", field="onHand")
    if not await lock_variants(uow.session, uow.store_id, [variant_id]):
        raise DomainError(InventoryErrorCode.NOT_FOUND, "no variant with this id", field="variantId")
    await ensure_levels(uow, [(variant_id, location)])
    # Under the variant lock no other writer changes this level, so reading it here is not check-then-act.
    current = await uow.session.scalar(
        select(StockLevel.on_hand)
        .where(StockLevel.variant_id == variant_id, StockLevel.location == location)
        .execution_options(populate_existing=True)
    )
    delta = on_hand - int(current or 0)
    if delta:
        before = await free_units(uow.session, uow.store_id, [variant_id], now=uow.clock())
        await apply_moves(
            uow,
            [Move(variant_id, location, delta)],
            reason=reason,
            actor=actor,
            note=note,
            allow_negative=True,
            before=before,
        )
    return delta
