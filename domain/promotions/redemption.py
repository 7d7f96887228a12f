"""Code usage, enforced by the database under any concurrency: the checkout reserves a use when the
shopper commits to pay, redeems it with the order, and releases it if the checkout is abandoned.

A reservation counts as a use. Each counter moves only by a conditional UPDATE ... WHERE used < limit
RETURNING, so two checkouts can never both take the last use (the row lock makes the second re-check
the condition after the first commits); nothing reads a count and then writes it. The per-customer
count is a row per (code, customer) moved the same way. A failed reservation rolls back to its
savepoint, leaving the caller's transaction usable."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import DomainError
from domain.promotions.errors import PromotionErrorCode
from domain.promotions.models import (
    DiscountCode,
    DiscountCodeRedemption,
    Promotion,
    PromotionKind,
    PromotionStatus,
    RedemptionStatus,
)
from domain.uow import UnitOfWork

RESERVATION_TTL = timedelta(minutes=30)

_TAKE = text(
    "UPDATE discount_codes SET used = used + 1"
    " WHERE id = :id AND store_id = :store AND (usage_limit IS NULL OR used < usage_limit) RETURNING used"
)
_GIVE_BACK = text(
    "UPDATE discount_codes SET used = used - 1 WHERE id = :id AND store_id = :store AND used > 0"
)
_GIVE_BACK_N = text(
    "UPDATE discount_codes SET used = greatest(used - :n, 0) WHERE id = :id AND store_id = :store"
)
_GIVE_BACK_CUSTOMER_N = text(
    "UPDATE discount_code_customer_usage SET used = greatest(used - :n, 0)"
    " WHERE code_id = :id AND customer_id = :customer AND store_id = :store"
)
_TAKE_CUSTOMER = text(
    """
    INSERT INTO discount_code_customer_usage AS u (store_id, code_id, customer_id, used)
    VALUES (:store, :id, :customer, 1)
    ON CONFLICT (code_id, customer_id) DO UPDATE SET used = u.used + 1 WHERE u.used < :limit
    RETURNING used
    """
)
_GIVE_BACK_CUSTOMER = text(
    "UPDATE discount_code_customer_usage SET used = used - 1"
    " WHERE code_id = :id AND customer_id = :customer AND store_id = :store AND used > 0"
)


@dataclass(frozen=True)
class Reservation:
    id: uuid.UUID
    code_id: uuid.UUID
    promotion_id: uuid.UUID
    code: str
    status: RedemptionStatus
    expires_at: datetime | None


def _error(code: PromotionErrorCode, message: str) -> DomainError:
    return DomainError(code, message, field="code")


async def find_code(uow: UnitOfWork, code: str) -> tuple[DiscountCode, Promotion] | None:
    row = (
        await uow.session.execute(
            select(DiscountCode, Promotion)
            .join(Promotion, Promotion.id == DiscountCode.promotion_id)
            .where(text("lower(discount_codes.code) = lower(:code)").bindparams(code=code.strip()))
        )
    ).first()
    return (row[0], row[1]) if row else None


def _reservation(r: DiscountCodeRedemption, code: DiscountCode) -> Reservation:
    return Reservation(r.id, code.id, code.promotion_id, code.code, r.status, r.expires_at)


async def reserve_code(
    uow: UnitOfWork,
    code: str,
    *,
    reference: str,
    customer_id: uuid.UUID | None,
    subtotal: int,
    first_order: bool,
    now: datetime,
    ttl: timedelta = RESERVATION_TTL,
) -> Reservation:
    """Take one use of `code` for the checkout `reference` (idempotent: the same reference gets its
    existing reservation back). Raises DomainError with the reason the code cannot be used. The caller
    commits; the checkout issue calls this when the shopper commits to pay."""
    found = await find_code(uow, code)
    if found is None:
        raise _error(PromotionErrorCode.CODE_NOT_FOUND, "no such discount code")
    row, promotion = found
    existing = await uow.session.scalar(
        select(DiscountCodeRedemption)
        .where(DiscountCodeRedemption.code_id == row.id, DiscountCodeRedemption.reference == reference)
        .with_for_update()
    )
    if existing is not None and existing.status is not RedemptionStatus.RELEASED:
        return _reservation(existing, row)
    _check_code(row, promotion, customer_id=customer_id, subtotal=subtotal, first_order=first_order, now=now)
    try:
        async with uow.session.begin_nested():
            await _take(uow, row, customer_id)
            if existing is not None:
                existing.status = RedemptionStatus.RESERVED
                existing.customer_id = customer_id
                existing.expires_at = now + ttl
                existing.order_id = None
                redemption = existing
            else:
                redemption = DiscountCodeRedemption(
                    id=uuid.uuid4(),
                    code_id=row.id,
                    reference=reference,
                    customer_id=customer_id,
                    status=RedemptionStatus.RESERVED,
                    expires_at=now + ttl,
                )
                uow.session.add(redemption)
            await uow.session.flush()
    except IntegrityError:
        # The same checkout reserved concurrently and won: its reservation is this one.
        again = await uow.session.scalar(
            select(DiscountCodeRedemption).where(
                DiscountCodeRedemption.code_id == row.id, DiscountCodeRedemption.reference == reference
            )
        )
        if again is None:
            raise
        return _reservation(again, row)
    return _reservation(redemption, row)


def _check_code(
    row: DiscountCode,
    promotion: Promotion,
    *,
    customer_id: uuid.UUID | None,
    subtotal: int,
    first_order: bool,
    now: datetime,
) -> None:
    if PromotionStatus(promotion.status) is not PromotionStatus.ACTIVE or (
        PromotionKind(promotion.kind) is not PromotionKind.CODE
    ):
        raise _error(PromotionErrorCode.CODE_NOT_ACTIVE, "the code's promotion is not active")
    if (row.valid_from and now < row.valid_from) or (promotion.starts_at and now < promotion.starts_at):
        raise _error(PromotionErrorCode.CODE_NOT_ACTIVE, "the code is not valid yet")
    if (row.valid_until and now >= row.valid_until) or (promotion.ends_at and now >= promotion.ends_at):
        raise _error(PromotionErrorCode.CODE_EXPIRED, "the code has expired")
    if row.min_subtotal_amount is not None and subtotal < row.min_subtotal_amount:
        raise _error(PromotionErrorCode.MINIMUM_SUBTOTAL, "the subtotal is below the code's minimum")
    if row.first_order_only and not first_order:
        raise _error(PromotionErrorCode.FIRST_ORDER_ONLY, "the code is for a first order only")
    if row.per_customer_limit is not None and customer_id is None:
        raise _error(PromotionErrorCode.CUSTOMER_REQUIRED, "the code is limited per customer: sign in")


async def _take(uow: UnitOfWork, row: DiscountCode, customer_id: uuid.UUID | None) -> None:
    params = {"id": row.id, "store": uow.store_id}
    if row.per_customer_limit is not None and customer_id is not None:
        taken = await uow.session.execute(
            _TAKE_CUSTOMER, {**params, "customer": customer_id, "limit": row.per_customer_limit}
        )
        if taken.first() is None:
            raise _error(PromotionErrorCode.CUSTOMER_LIMIT_REACHED, "the customer has used this code up")
    if (await uow.session.execute(_TAKE, params)).first() is None:
        raise _error(PromotionErrorCode.USAGE_LIMIT_REACHED, "the code has been used up")


async def _held(uow: UnitOfWork, reservation_id: uuid.UUID) -> tuple[DiscountCodeRedemption, DiscountCode]:
    row = (
        await uow.session.execute(
            select(DiscountCodeRedemption, DiscountCode)
            .join(DiscountCode, DiscountCode.id == DiscountCodeRedemption.code_id)
            .where(DiscountCodeRedemption.id == reservation_id)
            .with_for_update(of=DiscountCodeRedemption)
        )
    ).first()
    if row is None:
        raise DomainError(
            PromotionErrorCode.RESERVATION_NOT_FOUND, "no such reservation", field="reservationId"
        )
    return row[0], row[1]


async def redeem_reservation(
    uow: UnitOfWork, reservation_id: uuid.UUID, *, order_id: uuid.UUID
) -> Reservation:
    """The order was placed: the use is final (idempotent for the same order)."""
    redemption, code = await _held(uow, reservation_id)
    if redemption.status is RedemptionStatus.RELEASED:
        raise DomainError(
            PromotionErrorCode.RESERVATION_NOT_FOUND, "the reservation was released", field="reservationId"
        )
    redemption.status = RedemptionStatus.REDEEMED
    redemption.order_id = order_id
    redemption.expires_at = None
    await uow.session.flush()
    return _reservation(redemption, code)


async def release_reservation(uow: UnitOfWork, reservation_id: uuid.UUID) -> Reservation:
    """Give a reserved use back (idempotent). A redeemed use stays used: refunds do not restore codes."""
    redemption, code = await _held(uow, reservation_id)
    if redemption.status is RedemptionStatus.RESERVED:
        await _give_back(uow, code, redemption.customer_id)
        redemption.status = RedemptionStatus.RELEASED
        await uow.session.flush()
    return _reservation(redemption, code)


async def _give_back(uow: UnitOfWork, code: DiscountCode, customer_id: uuid.UUID | None) -> None:
    params = {"id": code.id, "store": uow.store_id}
    await uow.session.execute(_GIVE_BACK, params)
    if code.per_customer_limit is not None and customer_id is not None:
        await uow.session.execute(_GIVE_BACK_CUSTOMER, {**params, "customer": customer_id})


async def release_expired(uow: UnitOfWork, *, now: datetime, batch: int = 500) -> int:
    """Release up to `batch` reservations whose checkout never finished, giving their uses back; returns
    how many (the housekeeping cron calls this until a batch comes back short). Rows another transaction
    holds are skipped, so two sweeps at once release disjoint rows, and a reservation being redeemed is
    left to its checkout. Counters move per code in code order, each code's per-customer rows first
    (as `reserve_code` takes them), so sweeps and checkouts lock in one order. The caller commits."""
    rows = (
        await uow.session.execute(
            select(DiscountCodeRedemption, DiscountCode.per_customer_limit)
            .join(DiscountCode, DiscountCode.id == DiscountCodeRedemption.code_id)
            .where(
                DiscountCodeRedemption.status == RedemptionStatus.RESERVED,
                DiscountCodeRedemption.expires_at <= now,
            )
            .order_by(DiscountCodeRedemption.id)
            .limit(batch)
            .with_for_update(of=DiscountCodeRedemption, skip_locked=True)
        )
    ).all()
    per_code: Counter[uuid.UUID] = Counter()
    per_customer: dict[uuid.UUID, Counter[uuid.UUID]] = {}
    for redemption, per_customer_limit in rows:
        per_code[redemption.code_id] += 1
        if per_customer_limit is not None and redemption.customer_id is not None:
            per_customer.setdefault(redemption.code_id, Counter())[redemption.customer_id] += 1
        redemption.status = RedemptionStatus.RELEASED
    for code_id in sorted(per_code):
        params = {"id": code_id, "store": uow.store_id}
        for customer_id, n in sorted(per_customer.get(code_id, Counter()).items()):
            await uow.session.execute(_GIVE_BACK_CUSTOMER_N, {**params, "customer": customer_id, "n": n})
        await uow.session.execute(_GIVE_BACK_N, {**params, "n": per_code[code_id]})
    await uow.session.flush()
    return len(rows)


async def stores_with_expired(conn: AsyncConnection, now: datetime) -> list[uuid.UUID]:
    """Stores holding code reservations past their expiry (a definer function: it reads every store)."""
    rows = await conn.execute(
        text("SELECT * FROM stormcom_code_reservations_expired_stores(:now)"), {"now": now}
    )
    return [r[0] for r in rows]
