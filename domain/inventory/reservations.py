"""Reservations with a time to live, and the sale that turns them into stock taken.

A checkout first `reserve`s its lines under a holder name (its idempotency key): the units stop counting
as free for everyone else until `expires_at`. If the process dies there, nothing needs cleaning up: the
rows expire and stop counting. Placing the order calls `commit_sale`, which takes the units from on-hand
(ledger reason `sold`) and deletes the holder's reservations in the same transaction. `commit_sale`
re-checks stock under the variant locks, so an order is right even if its reservation expired meanwhile.

Concurrency: both lock the variant rows in id order (FOR NO KEY UPDATE), then read free units in a new
statement (READ COMMITTED takes a fresh snapshot per statement, so the read sees every reservation and
sale committed by the previous lock holder), then write. Two checkouts of one variant queue; two
checkouts of different variants never wait for each other.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import DomainError, DomainErrors
from domain.inventory import events
from domain.inventory.errors import InventoryErrorCode
from domain.inventory.ledger import Move, Reference, apply_moves, ensure_levels
from domain.inventory.models import AdjustmentReason, Reservation
from domain.inventory.queries import Free, free_units, levels, lock_variants
from domain.uow import UnitOfWork

DEFAULT_TTL = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Allocation:
    """Units of one variant taken from one location for an order line (`line_key` is the caller's)."""

    line_key: int
    variant_id: uuid.UUID
    location: str
    quantity: int


def _shortage(vid: uuid.UUID, index: int, wanted: int, free: Free | None) -> DomainError:
    have = 0 if free is None else max(free.free, 0)
    return DomainError(
        InventoryErrorCode.INSUFFICIENT_STOCK,
        f"only {have} unit(s) available, {wanted} requested",
        field=f"lines.{index}.quantity" if index >= 0 else str(vid),
    )


def _check(
    wanted: Mapping[uuid.UUID, int], free: Mapping[uuid.UUID, Free], order: Sequence[uuid.UUID]
) -> None:
    errors: list[DomainError] = []
    for index, vid in enumerate(order):
        qty = wanted[vid]
        if qty <= 0:
            errors.append(
                DomainError(
                    InventoryErrorCode.INVALID_QUANTITY,
                    "quantity must be positive",
                    field=f"lines.{index}.quantity",
                )
            )
            continue
        f = free.get(vid)
        if f is None:
            errors.append(
                DomainError(
                    InventoryErrorCode.NOT_FOUND, "no variant with this id", field=f"lines.{index}.variantId"
                )
            )
        elif not f.oversell_allowed and qty > f.free:
            errors.append(_shortage(vid, index, qty, f))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise DomainErrors(errors)


def _totals(lines: Sequence[tuple[uuid.UUID, int]]) -> tuple[dict[uuid.UUID, int], list[uuid.UUID]]:
    wanted: dict[uuid.UUID, int] = {}
    for vid, qty in lines:
        wanted[vid] = wanted.get(vid, 0) + qty
    return wanted, list(wanted)


async def reserve(
    uow: UnitOfWork, lines: Sequence[tuple[uuid.UUID, int]], *, holder: str, ttl: timedelta = DEFAULT_TTL
) -> None:
    """Hold `(variant_id, quantity)` lines for `holder` until now + ttl, replacing what `holder` held.

    Raises INSUFFICIENT_STOCK (field `lines.<i>.quantity`) when a variant that denies overselling has
    fewer free units; then nothing is reserved. Variants that do not track inventory, or allow
    backorders/preorders, reserve without limit. Four statements whatever the number of lines."""
    wanted, order = _totals(lines)
    await release(uow, holder)
    await lock_variants(uow.session, uow.store_id, order)
    now = uow.clock()
    free = await free_units(uow.session, uow.store_id, order, now=now, holder=holder)
    _check(wanted, free, order)
    uow.session.add_all(
        Reservation(
            store_id=uow.store_id, variant_id=vid, holder=holder, quantity=wanted[vid], expires_at=now + ttl
        )
        for vid in order
        if free[vid].track_inventory
    )
    await uow.session.flush()


async def release(uow: UnitOfWork, holder: str) -> None:
    """Drop every reservation of `holder` (a cancelled checkout); a no-op when it holds none."""
    await uow.session.execute(
        delete(Reservation).where(Reservation.holder == holder).execution_options(synchronize_session=False)
    )


async def purge_expired(uow: UnitOfWork, *, now: datetime, batch: int = 1000) -> int:
    """Delete up to `batch` of this store's reservations past their expiry; returns how many (the
    housekeeping cron calls this until a batch comes back short).

    Housekeeping only: an expired row already counts for nothing, and a reservation never moved on-hand,
    so deleting it writes no ledger row (the ledger's `reservation_released` is units of a cancelled order
    put back, not this) and the ledger still sums to on-hand. Rows a checkout holds are skipped and the
    expiry is checked again on the row deleted, so a holder renewing its reservation keeps it; two purges
    at once delete disjoint rows. The caller commits."""
    old = (
        select(Reservation.id)
        .where(Reservation.expires_at <= now)
        .order_by(Reservation.expires_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    result = await uow.session.execute(
        delete(Reservation)
        .where(Reservation.id.in_(old.scalar_subquery()), Reservation.expires_at <= now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def stores_with_expired(conn: AsyncConnection, now: datetime) -> list[uuid.UUID]:
    """Stores holding reservations past their expiry (a definer function: it reads every store)."""
    rows = await conn.execute(
        text("SELECT * FROM stormcom_stock_reservations_expired_stores(:now)"), {"now": now}
    )
    return [r[0] for r in rows]


async def commit_sale(
    uow: UnitOfWork,
    lines: Sequence[tuple[uuid.UUID, int]],
    *,
    holder: str,
    reference: Reference,
    actor: str,
) -> list[Allocation]:
    """Take the units of an order from on-hand (ledger `sold`) and drop `holder`'s reservations.

    `lines` are (variant_id, quantity) per order line; the answer says which location each line's units
    came from (`line_key` = the line's index), for cancellation to put them back. Locations ship by
    priority, then by most on-hand. Raises INSUFFICIENT_STOCK when a variant that denies overselling has
    fewer units than ordered not held by other checkouts; nothing is written then."""
    wanted, order = _totals(lines)
    await lock_variants(uow.session, uow.store_id, order)
    free = await free_units(uow.session, uow.store_id, order, now=uow.clock(), holder=holder)
    _check(wanted, free, order)
    tracked = [vid for vid in order if free[vid].track_inventory]
    stock = await levels(uow.session, uow.store_id, tracked)
    remaining = {vid: dict(stock.get(vid, [])) for vid in tracked}
    allocations: list[Allocation] = []
    for key, (vid, qty) in enumerate(lines):
        if vid not in remaining:
            continue
        left = qty
        for location, on_hand in list(remaining[vid].items()):
            take = min(left, max(on_hand, 0))
            if take > 0:
                allocations.append(Allocation(key, vid, location, take))
                remaining[vid][location] = on_hand - take
                left -= take
            if left == 0:
                break
        if left > 0:
            # Backorder or preorder: the rest goes negative at the first location.
            location = next(iter(remaining[vid]), "default")
            allocations.append(Allocation(key, vid, location, left))
            remaining[vid][location] = remaining[vid].get(location, 0) - left
    if allocations:
        if any(vid not in stock for vid in tracked):
            await ensure_levels(
                uow, [(a.variant_id, a.location) for a in allocations if a.variant_id not in stock]
            )
        merged: dict[tuple[uuid.UUID, str], int] = {}
        for a in allocations:
            merged[(a.variant_id, a.location)] = merged.get((a.variant_id, a.location), 0) - a.quantity
        await apply_moves(
            uow,
            [Move(v, loc, d) for (v, loc), d in merged.items()],
            reason=AdjustmentReason.SOLD,
            actor=actor,
            reference=reference,
            negative_ok=frozenset(v for v in tracked if free[v].oversell_allowed),
            before=free,
        )
    await release(uow, holder)
    return allocations


async def restock(
    uow: UnitOfWork,
    allocations: Sequence[Allocation],
    *,
    reason: AdjustmentReason,
    reference: Reference,
    actor: str,
) -> None:
    """Put allocated units back where they came from (a cancelled order: `reservation_released`; a
    return received: `returned`). Emits `inventory.adjusted` per variant and location, as `adjust` does."""
    if not allocations:
        return
    await lock_variants(uow.session, uow.store_id, {a.variant_id for a in allocations})
    merged: dict[tuple[uuid.UUID, str], int] = {}
    for a in allocations:
        merged[(a.variant_id, a.location)] = merged.get((a.variant_id, a.location), 0) + a.quantity
    moves = [Move(v, loc, d) for (v, loc), d in sorted(merged.items())]
    after = await apply_moves(uow, moves, reason=reason, actor=actor, reference=reference)
    for m in moves:
        uow.emit(
            events.STOCK_ADJUSTED,
            {
                "variant_id": str(m.variant_id),
                "location": m.location,
                "delta": m.delta,
                "reason": reason.value,
                "on_hand": after[(m.variant_id, m.location)],
            },
        )
