"""Promotion writes on real PostgreSQL: rules validated with field paths, guard rails, events, the
rules version and the compiled-rules cache, the explanation and recording applied discounts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import DomainError, DomainErrors
from domain.promotions.applied import record_applied_promotions
from domain.promotions.cache import PromotionCache
from domain.promotions.cart_facts import CartRequest
from domain.promotions.errors import PromotionErrorCode
from domain.promotions.explain import explain_cart
from domain.promotions.inputs import PromotionCreateInput, PromotionFields
from domain.promotions.limits import PromotionLimits
from domain.promotions.line_pricer import EntryPointPricer, LineToPrice
from domain.promotions.result import ReasonCode
from domain.promotions.services import (
    create_promotion,
    delete_promotion,
    set_promotion_active,
    update_promotion,
)
from tests.fixtures.database import count, fetch, outbox, statements
from tests.fixtures.promotions import seed_cart_catalog
from tests.fixtures.tenancy import MakeStore, StoreFixture

LIMITS = PromotionLimits()
AT = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


async def _create(store: StoreFixture, limits: PromotionLimits = LIMITS, **fields: object) -> uuid.UUID:
    data = {"name": "Eid sale", "action": {"type": "order_percent", "percent": "10"}, **fields}
    async with store.uow() as uow:
        promotion = await create_promotion(uow, PromotionCreateInput.model_validate(data), limits=limits)
        await uow.commit()
    return promotion.id


async def _promotion_events(engine: AsyncEngine, store: StoreFixture) -> list[str]:
    return [
        e["type"] for e in await outbox(engine, store.id) if e["type"].startswith(("promotion", "discount"))
    ]


async def test_every_bad_path_is_reported_and_nothing_is_written(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    conditions = {
        "op": "and",
        "conditions": [
            {"type": "subtotal_at_least", "amount": -5},
            {"op": "xor", "conditions": [{"type": "channel", "values": ["fax"]}]},
            {"type": "contains", "items": {"brands": [str(uuid.uuid4())]}},
            {"type": "teleport"},
        ],
    }
    with pytest.raises(DomainErrors) as exc:
        await _create(
            store, conditions=conditions, action={"type": "order_percent", "percent": "150"}, currency="BDT"
        )
    fields = sorted((e.field, e.code) for e in exc.value.errors)
    assert fields == [
        ("action.percent", "INVALID_ACTION"),
        ("conditions.conditions.0.amount", "INVALID_RULE"),
        ("conditions.conditions.1.conditions.0.values.0", "INVALID_RULE"),
        ("conditions.conditions.1.op", "INVALID_RULE"),
        ("conditions.conditions.2.items.brands.0", "INVALID_RULE"),
        ("conditions.conditions.3.type", "INVALID_RULE"),
    ]
    assert await count(owner_engine, "promotions", store.id) == 0
    assert await _promotion_events(owner_engine, store) == []


async def test_fixed_amounts_need_a_store_currency(make_store: MakeStore) -> None:
    store = await make_store()
    with pytest.raises(DomainError) as exc:
        await _create(store, action={"type": "order_fixed", "amount": 5000})
    assert (exc.value.field, exc.value.code) == ("currency", PromotionErrorCode.REQUIRED)
    with pytest.raises(DomainError) as exc:
        await _create(store, action={"type": "order_fixed", "amount": 5000}, currency="USD")
    assert exc.value.code == PromotionErrorCode.UNSUPPORTED_CURRENCY


async def test_guard_rails_limit_conditions_and_active_promotions(make_store: MakeStore) -> None:
    store = await make_store()
    tight = PromotionLimits(max_conditions=2, max_active=1)
    three = {"op": "and", "conditions": [{"type": "first_order"}] * 3}
    with pytest.raises(DomainErrors) as exc:
        await _create(store, tight, conditions=three)
    assert [e.code for e in exc.value.errors] == [PromotionErrorCode.TOO_MANY_CONDITIONS]
    await _create(store, tight, active=True)
    with pytest.raises(DomainError) as one:
        await _create(store, tight, active=True)
    assert one.value.code == PromotionErrorCode.TOO_MANY_ACTIVE
    draft = await _create(store, tight)
    async with store.uow() as uow:
        with pytest.raises(DomainError) as exc2:
            await set_promotion_active(uow, draft, True, limits=tight)
    assert exc2.value.code == PromotionErrorCode.TOO_MANY_ACTIVE


async def test_changes_emit_events_and_the_cache_recompiles_only_after_a_change(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    cache = PromotionCache()
    pid = await _create(store, active=True)
    async with store.uow() as uow:
        first = await cache.get(uow)
    async with store.uow() as uow:
        with statements(store.db.primary) as seen:
            again = await cache.get(uow)
    # a cache hit is one primary-key lookup of the version
    assert again is first
    assert len([s for s in seen if "promotion_rules_versions" in s]) == 1
    assert len([s for s in seen if "FROM promotions" in s]) == 0
    async with store.uow() as uow:
        await update_promotion(uow, pid, PromotionFields(name="Eid sale 2"), limits=LIMITS)
        await uow.commit()
    async with store.uow() as uow:
        after = await cache.get(uow)
    assert after.version == first.version + 1
    assert [p.name for p in after.promotions] == ["Eid sale 2"]
    async with store.uow() as uow:
        await set_promotion_active(uow, pid, False, limits=LIMITS)
        await uow.commit()
    async with store.uow() as uow:
        assert (await cache.get(uow)).promotions == ()
        await delete_promotion(uow, pid)
        await uow.commit()
    assert cache.compilations == 3
    assert await _promotion_events(owner_engine, store) == [
        "promotion.created",
        "promotion.updated",
        "promotion.deactivated",
        "promotion.deleted",
    ]


async def test_explanation_says_why_each_rule_applied_or_not(make_store: MakeStore) -> None:
    store = await make_store()
    ids = await seed_cart_catalog(store)
    # 20% off anything in "Clothes" (the tee is in its child category) for VIPs
    clothes = await _create(
        store,
        name="VIP clothes",
        active=True,
        priority=1,
        combines_with=["order"],
        conditions={"op": "and", "conditions": [{"type": "customer_group", "ids": [str(ids["group"])]}]},
        action={"type": "items_percent", "percent": 20, "items": {"categories": [str(ids["root"])]}},
    )
    bkash = await _create(
        store,
        name="bKash 5%",
        active=True,
        priority=2,
        combines_with=["product"],
        conditions={"type": "payment_method", "values": ["bKash"]},
    )
    request = CartRequest(
        lines=[LineToPrice(ids["tee_v"], 2), LineToPrice(ids["mug_v"], 1)],
        currency="BDT",
        at=AT,
        customer_id=ids["customer"],
        payment_method="cod",
        codes=["NOPE"],
    )
    async with store.uow(readonly=True) as uow:
        with statements(store.db.primary) as seen:
            explanation = await explain_cart(uow, request, pricer=EntryPointPricer(), cache=PromotionCache())
    outcomes = {o.promotion_id: o for o in explanation.result.outcomes}
    assert outcomes[clothes].applied
    assert outcomes[clothes].amount.amount == 32000
    assert not outcomes[bkash].applied
    assert outcomes[bkash].reasons[0].code is ReasonCode.PAYMENT_METHOD
    assert explanation.unknown_codes == ("NOPE",)
    assert explanation.result.total.amount == 160000 + 30000 - 32000
    # scope, store, line facts (any number of lines), prices, customer groups, version, promotions (cold
    # cache only), codes
    assert len(seen) == 8


async def test_applied_discounts_are_recorded_per_order_line_and_sum_exactly(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    ids = await seed_cart_catalog(store)
    await _create(
        store, active=True, action={"type": "order_percent", "percent": "33.33"}, combines_with=["shipping"]
    )
    await _create(store, active=True, action={"type": "free_shipping"}, combines_with=["order"], priority=200)
    request = CartRequest(
        lines=[LineToPrice(ids["tee_v"], 1), LineToPrice(ids["mug_v"], 3)],
        currency="BDT",
        at=AT,
        shipping_amount=6000,
    )
    order_id = uuid.uuid4()
    line_ids = {"0": uuid.uuid4(), "1": uuid.uuid4()}
    async with store.uow() as uow:
        explanation = await explain_cart(uow, request, pricer=EntryPointPricer(), cache=PromotionCache())
        written = await record_applied_promotions(
            uow, order_id=order_id, result=explanation.result, order_line_ids=line_ids
        )
        await uow.commit()
    rows = await fetch(
        owner_engine,
        "SELECT order_line_id, amount, discount_class FROM applied_promotions WHERE order_id = :o",
        o=order_id,
    )
    assert written == len(rows) == 3
    assert sum(r["amount"] for r in rows) == explanation.result.discount_total.amount
    assert sum(r["amount"] for r in rows if r["order_line_id"] is None) == 6000
