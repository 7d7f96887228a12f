"""Discount codes on real PostgreSQL: usage limits hold under concurrent checkouts, reservations are
idempotent and can be released, codes are unique case-insensitively, bulk codes go in one statement."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError
from domain.promotions.codes import create_code, generate_codes
from domain.promotions.errors import PromotionErrorCode
from domain.promotions.inputs import CodeCreateInput, CodesGenerateInput, PromotionCreateInput
from domain.promotions.limits import PromotionLimits
from domain.promotions.models import PromotionKind
from domain.promotions.redemption import (
    redeem_reservation,
    release_expired,
    release_reservation,
    reserve_code,
)
from domain.promotions.services import create_promotion, delete_promotion
from tests.fixtures.database import count, fetch, statements
from tests.fixtures.tenancy import MakeStore, StoreFixture

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
LIMITS = PromotionLimits()


async def _code(store: StoreFixture, code: str = "EID10", **rules: object) -> uuid.UUID:
    async with store.uow() as uow:
        promotion = await create_promotion(
            uow,
            PromotionCreateInput(
                name="Eid",
                kind=PromotionKind.CODE,
                action={"type": "order_percent", "percent": 10},
                active=True,
            ),
            limits=LIMITS,
        )
        row = await create_code(uow, promotion.id, CodeCreateInput.model_validate({"code": code, **rules}))
        await uow.commit()
    return row.id


async def _reserve(store: StoreFixture, code: str, reference: str, **kw: object) -> object:
    async with store.uow() as uow:
        args = {"customer_id": None, "subtotal": 100000, "first_order": False, "now": NOW, **kw}
        reservation = await reserve_code(uow, code, reference=reference, **args)  # type: ignore[arg-type]
        await uow.commit()
    return reservation


async def test_concurrent_redemptions_of_a_code_with_five_uses_left_exactly_five_succeed(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    # given a code limited to 8 uses, 3 already taken
    store = await make_store()
    code_id = await _code(store, usage_limit=8)
    async with owner_engine.begin() as conn:
        await conn.execute(text("UPDATE discount_codes SET used = 3 WHERE id = :id"), {"id": code_id})
    attempts = 10
    barrier = asyncio.Barrier(attempts)

    async def checkout(n: int) -> str:
        async with store.uow() as uow:
            # every transaction is open (and has read the code) before any of them takes a use
            await uow.session.execute(text("SELECT 1"))
            await barrier.wait()
            try:
                await reserve_code(
                    uow,
                    "eid10",
                    reference=f"checkout-{n}",
                    customer_id=None,
                    subtotal=100000,
                    first_order=False,
                    now=NOW,
                )
            except DomainError as exc:
                return exc.code
            await uow.commit()
            return "ok"

    # when ten checkouts reserve at once
    outcomes = await asyncio.gather(*(checkout(n) for n in range(attempts)))
    # then exactly five succeed, the rest are told it is used up, and the counter stops at the limit
    assert sorted(outcomes).count("ok") == 5
    assert sorted(outcomes).count(PromotionErrorCode.USAGE_LIMIT_REACHED) == 5
    (row,) = await fetch(owner_engine, "SELECT used FROM discount_codes WHERE id = :id", id=code_id)
    assert row["used"] == 8
    assert await count(owner_engine, "discount_code_redemptions", store.id) == 5


async def test_per_customer_limit_holds_under_concurrency(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    code_id = await _code(store, per_customer_limit=1)
    customer = uuid.uuid4()

    async def checkout(n: int) -> str:
        try:
            await _reserve(store, "EID10", f"c-{n}", customer_id=customer)
        except DomainError as exc:
            return exc.code
        return "ok"

    outcomes = await asyncio.gather(*(checkout(n) for n in range(6)))
    assert outcomes.count("ok") == 1
    assert outcomes.count(PromotionErrorCode.CUSTOMER_LIMIT_REACHED) == 5
    (row,) = await fetch(owner_engine, "SELECT used FROM discount_codes WHERE id = :id", id=code_id)
    assert row["used"] == 1
    # another customer may still use it
    await _reserve(store, "EID10", "other", customer_id=uuid.uuid4())


async def test_reserve_is_idempotent_release_gives_the_use_back_redeem_is_final(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    code_id = await _code(store, usage_limit=1)
    first = await _reserve(store, "EID10", "checkout-1")
    again = await _reserve(store, "eid10", "checkout-1")
    assert again == first
    with pytest.raises(DomainError) as exc:
        await _reserve(store, "EID10", "checkout-2")
    assert exc.value.code == PromotionErrorCode.USAGE_LIMIT_REACHED
    async with store.uow() as uow:
        await release_reservation(uow, first.id)  # type: ignore[attr-defined]
        await release_reservation(uow, first.id)  # type: ignore[attr-defined]
        await uow.commit()
    (row,) = await fetch(owner_engine, "SELECT used FROM discount_codes WHERE id = :id", id=code_id)
    assert row["used"] == 0
    second = await _reserve(store, "EID10", "checkout-2")
    order_id = uuid.uuid4()
    async with store.uow() as uow:
        redeemed = await redeem_reservation(uow, second.id, order_id=order_id)  # type: ignore[attr-defined]
        await release_reservation(uow, second.id)  # type: ignore[attr-defined]
        await uow.commit()
    assert redeemed.status.value == "redeemed"
    (row,) = await fetch(owner_engine, "SELECT used FROM discount_codes WHERE id = :id", id=code_id)
    assert row["used"] == 1


async def test_a_promotion_whose_codes_were_used_cannot_be_deleted(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    await _code(store)
    await _reserve(store, "EID10", "checkout-1")
    (row,) = await fetch(owner_engine, "SELECT promotion_id FROM discount_codes")
    async with store.uow() as uow:
        with pytest.raises(DomainError) as exc:
            await delete_promotion(uow, row["promotion_id"])
    assert exc.value.code == PromotionErrorCode.IN_USE
    assert await count(owner_engine, "promotions", store.id) == 1


async def test_expired_reservations_are_released(make_store: MakeStore, owner_engine: AsyncEngine) -> None:
    store = await make_store()
    code_id = await _code(store, usage_limit=2)
    await _reserve(store, "EID10", "old")
    await _reserve(store, "EID10", "new", now=NOW + timedelta(minutes=20))
    async with store.uow() as uow:
        released = await release_expired(uow, now=NOW + timedelta(minutes=31))
        await uow.commit()
    assert released == 1
    (row,) = await fetch(owner_engine, "SELECT used FROM discount_codes WHERE id = :id", id=code_id)
    assert row["used"] == 1


@pytest.mark.parametrize(
    ("rules", "kw", "code"),
    [
        ({"valid_until": "2026-11-30T00:00:00+00:00"}, {}, PromotionErrorCode.CODE_EXPIRED),
        ({"valid_from": "2026-12-02T00:00:00+00:00"}, {}, PromotionErrorCode.CODE_NOT_ACTIVE),
        ({"min_subtotal_amount": 200000}, {}, PromotionErrorCode.MINIMUM_SUBTOTAL),
        ({"first_order_only": True}, {}, PromotionErrorCode.FIRST_ORDER_ONLY),
        ({"per_customer_limit": 1}, {}, PromotionErrorCode.CUSTOMER_REQUIRED),
    ],
)
async def test_code_rules_refuse_a_reservation(
    make_store: MakeStore,
    owner_engine: AsyncEngine,
    rules: dict[str, object],
    kw: dict[str, object],
    code: str,
) -> None:
    store = await make_store()
    await _code(store, **rules)
    with pytest.raises(DomainError) as exc:
        await _reserve(store, "EID10", "c", **kw)
    assert exc.value.code == code
    assert await count(owner_engine, "discount_code_redemptions", store.id) == 0


async def test_codes_are_unique_per_store_ignoring_case(make_store: MakeStore) -> None:
    store, other = await make_store("a"), await make_store("b")
    await _code(store, "Eid10")
    with pytest.raises(DomainError) as exc:
        await _code(store, "EID10")
    assert exc.value.code == PromotionErrorCode.DUPLICATE_CODE
    await _code(other, "EID10")  # another store may use the same code


async def test_ten_thousand_single_use_codes_in_one_statement(
    make_store: MakeStore, owner_engine: AsyncEngine, db: object
) -> None:
    store = await make_store()
    await _code(store, "SEED")
    async with store.uow() as uow:
        (promotion_id,) = [
            r["promotion_id"] for r in await fetch(owner_engine, "SELECT promotion_id FROM discount_codes")
        ]
        with statements(store.db.primary) as seen:
            batch, made = await generate_codes(
                uow, promotion_id, CodesGenerateInput(count=10_000, prefix="EID-"), limits=LIMITS
            )
        await uow.commit()
    assert made == 10_000
    assert sum("INSERT INTO discount_codes" in s for s in seen) == 1
    rows = await fetch(
        owner_engine,
        "SELECT count(*) AS n, count(DISTINCT lower(code)) AS d,"
        " min(usage_limit) AS lo, max(usage_limit) AS hi"
        " FROM discount_codes WHERE batch_id = :b",
        b=batch,
    )
    assert dict(rows[0]) == {"n": 10_000, "d": 10_000, "lo": 1, "hi": 1}
