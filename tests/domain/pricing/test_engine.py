"""The pricing entry point on real PostgreSQL: which list wins, tiers, schedules, audiences, conversion,
tax, and the statement count of a batch."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers.services import assign_members, create_customer, create_group
from domain.pricing.engine import Audience, PriceRequest, Region, price_many
from domain.pricing.inputs import (
    CustomerGroupInput,
    CustomerInput,
    ListPriceInput,
    PriceListInput,
    PricingSettingsInput,
    RateInput,
    TaxClassInput,
    TaxRateInput,
    TierInput,
)
from domain.pricing.lists import create_price_list, set_list_prices, set_tiers
from domain.pricing.rates import set_rates
from domain.pricing.settings import update_pricing_settings
from domain.pricing.support import default_list_id
from domain.pricing.tax import create_tax_class, set_product_tax_class, set_tax_rate
from tests.fixtures.catalog import Catalog, VariantSpec
from tests.fixtures.database import statements
from tests.fixtures.pricing import NOW, product_with, quote, run, sell_in
from tests.fixtures.tenancy import MakeStore


async def _list(store, code: str, prices: dict, **fields):
    row = await run(store, lambda uow: create_price_list(uow, PriceListInput(code=code, name=code, **fields)))
    await run(
        store,
        lambda uow: set_list_prices(
            uow, row.id, [ListPriceInput(variant_id=v, currency=c, amount=a) for (v, c), a in prices.items()]
        ),
    )
    return row


async def test_default_price_with_compare_at_and_reason(make_store: MakeStore) -> None:
    store = await make_store()
    _, v = await product_with(store, {"BDT": 50000}, compare_at={"BDT": 60000})

    q = await quote(store, v.id)

    assert q is not None
    assert (q.unit.amount, q.unit.currency, q.compare_at.amount) == (50000, "BDT", 60000)
    assert q.list_code == "default" and q.list_id == default_list_id(store.id)
    assert q.reason.startswith("list default (default)")
    assert q.line_total.amount == 50000


async def test_a_public_list_beats_the_default_and_priority_orders_named_lists(make_store: MakeStore) -> None:
    store = await make_store()
    _, v = await product_with(store, {"BDT": 50000})
    await _list(store, "eid", {(v.id, "BDT"): 45000}, priority=1)
    await _list(store, "flash", {(v.id, "BDT"): 40000}, priority=5)

    q = await quote(store, v.id)

    assert q is not None and q.list_code == "flash" and q.unit.amount == 40000
    assert "priority 5" in q.reason


async def test_a_group_list_applies_to_its_members_only(make_store: MakeStore) -> None:
    store = await make_store()
    _, v = await product_with(store, {"BDT": 50000})
    group = await run(
        store, lambda uow: create_group(uow, CustomerGroupInput(code="wholesale", name="Wholesale"))
    )
    member = await run(store, lambda uow: create_customer(uow, CustomerInput(phone="+8801711000001")))
    stranger = await run(store, lambda uow: create_customer(uow, CustomerInput(email="x@example.com")))
    await run(store, lambda uow: assign_members(uow, group.id, [member.id]))
    await _list(store, "wholesale", {(v.id, "BDT"): 42000}, group_ids=[group.id])

    for_member = await quote(store, v.id, audience=Audience(customer_id=member.id))
    for_stranger = await quote(store, v.id, audience=Audience(customer_id=stranger.id))
    anonymous = await quote(store, v.id)
    by_group = await quote(store, v.id, audience=Audience(group_ids=frozenset({group.id})))

    assert for_member is not None and (for_member.list_code, for_member.unit.amount) == ("wholesale", 42000)
    assert for_stranger is not None and for_stranger.list_code == "default"
    assert anonymous is not None and anonymous.list_code == "default"
    assert by_group is not None and by_group.list_code == "wholesale"


async def test_a_segment_drives_a_list_the_same_way(make_store: MakeStore) -> None:
    store = await make_store()
    _, v = await product_with(store, {"BDT": 50000})
    segment = uuid.uuid4()
    await _list(store, "lapsed", {(v.id, "BDT"): 47000}, segment_ids=[segment])

    inside = await quote(store, v.id, audience=Audience(segment_ids=frozenset({segment})))
    outside = await quote(store, v.id, audience=Audience(segment_ids=frozenset({uuid.uuid4()})))

    assert inside is not None and inside.list_code == "lapsed"
    assert outside is not None and outside.list_code == "default"


async def test_a_scheduled_sale_applies_inside_its_window_only(make_store: MakeStore) -> None:
    store = await make_store()
    _, v = await product_with(store, {"BDT": 50000})
    start, end = NOW, NOW + timedelta(days=3)
    await _list(store, "eid", {(v.id, "BDT"): 39900}, starts_at=start, ends_at=end)

    before = await quote(store, v.id, at=start - timedelta(seconds=1))
    at_start = await quote(store, v.id, at=start)
    at_end = await quote(store, v.id, at=end)

    assert before is not None and before.list_code == "default"
    assert at_start is not None and at_start.list_code == "eid" and "scheduled" in at_start.reason
    assert at_end is not None and at_end.list_code == "default"  # the end is exclusive


async def test_quantity_breaks_pick_the_highest_tier_at_or_below_the_quantity(make_store: MakeStore) -> None:
    store = await make_store()
    _, v = await product_with(store, {"BDT": 50000})
    tiers = [
        TierInput(min_quantity=1, max_quantity=9, amount=50000),
        TierInput(min_quantity=10, max_quantity=49, amount=45000),
        TierInput(min_quantity=50, amount=40000),
    ]
    await run(store, lambda uow: set_tiers(uow, default_list_id(store.id), v.id, "BDT", tiers))

    found = {n: await quote(store, v.id, n) for n in (1, 9, 10, 49, 50, 500)}

    assert {n: q.unit.amount for n, q in found.items() if q} == {
        1: 50000,
        9: 50000,
        10: 45000,
        49: 45000,
        50: 40000,
        500: 40000,
    }
    assert found[10] is not None and found[10].tier_min_quantity == 10 and "tier from 10" in found[10].reason
    assert found[50] is not None and found[50].line_total.amount == 50 * 40000


async def test_conversion_rounds_to_the_step_and_explicit_prices_win(
    make_store: MakeStore, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    await sell_in(owner_engine, store, "BDT", "USD", "EUR")
    _, converted = await product_with(store, {"BDT": 123456})
    _, explicit = await product_with(store, {"BDT": 123456, "USD": 999})
    await run(store, lambda uow: set_rates(uow, [RateInput(currency="USD", rate=Decimal("0.0084"))]))
    await run(
        store, lambda uow: update_pricing_settings(uow, PricingSettingsInput(rounding_steps={"USD": 50}))
    )

    usd = await quote(store, converted.id, currency="USD")
    kept = await quote(store, explicit.id, currency="USD")
    no_rate = await quote(store, converted.id, currency="EUR")

    # 1234.56 taka * 0.0084 = 10.370304 USD -> 1037 cents -> nearest 50 cents = 1050
    assert usd is not None and (usd.unit.amount, usd.converted_from, usd.rate) == (
        1050,
        "BDT",
        Decimal("0.0084"),
    )
    assert "converted from BDT" in usd.reason
    assert kept is not None and kept.unit.amount == 999 and kept.converted_from is None
    assert no_rate is None


async def test_tax_inclusive_and_exclusive_with_a_division_rate(make_store: MakeStore) -> None:
    store = await make_store()
    product, v = await product_with(store, {"BDT": 11500})
    standard = await run(
        store, lambda uow: create_tax_class(uow, TaxClassInput(code="vat", name="VAT", is_default=True))
    )
    reduced = await run(
        store, lambda uow: create_tax_class(uow, TaxClassInput(code="reduced", name="Reduced"))
    )
    await run(
        store,
        lambda uow: set_tax_rate(
            uow, TaxRateInput(tax_class_id=standard.id, country="BD", percent=Decimal(15))
        ),
    )
    await run(
        store,
        lambda uow: set_tax_rate(
            uow,
            TaxRateInput(tax_class_id=standard.id, country="BD", division="BD-13", percent=Decimal("7.5")),
        ),
    )
    await run(
        store,
        lambda uow: set_tax_rate(
            uow, TaxRateInput(tax_class_id=reduced.id, country="BD", percent=Decimal(5))
        ),
    )

    inclusive = await quote(store, v.id, 3)
    dhaka = await quote(store, v.id, region=Region("BD", "BD-13"))
    await run(store, lambda uow: update_pricing_settings(uow, PricingSettingsInput(prices_include_tax=False)))
    exclusive = await quote(store, v.id, 3)
    await run(store, lambda uow: set_product_tax_class(uow, product.id, reduced.id))
    reduced_q = await quote(store, v.id)

    assert inclusive is not None
    assert (inclusive.tax.unit.net, inclusive.tax.unit.tax, inclusive.tax.unit.gross) == (10000, 1500, 11500)
    assert (inclusive.tax.line.net, inclusive.tax.line.tax, inclusive.tax.line.gross) == (30000, 4500, 34500)
    assert dhaka is not None and dhaka.tax.percent == Decimal("7.5") and dhaka.tax.unit.gross == 11500
    assert exclusive is not None and exclusive.tax.line.gross == 34500 + 5175
    assert (exclusive.tax.unit.net, exclusive.tax.unit.tax) == (11500, 1725)
    assert reduced_q is not None and reduced_q.tax.tax_class == "reduced" and reduced_q.tax.unit.tax == 575


async def test_price_many_costs_one_statement_for_10_or_100_variants(make_store: MakeStore, db) -> None:
    store = await make_store()
    cat = Catalog(store)
    for i in range(100):
        await cat.product(f"P{i}", variants=[VariantSpec(f"V{i}", {"BDT": 1000 + i})], refresh=False)
    async with store.uow() as uow:
        from sqlalchemy import select

        from domain.catalog.models import ProductVariant

        ids = list((await uow.session.scalars(select(ProductVariant.id).order_by(ProductVariant.sku))).all())
    await _list(store, "sale", {(ids[0], "BDT"): 1})
    counts = {}
    for n in (10, 100):
        async with store.uow() as uow:
            await uow.session.connection()  # the transaction's scope statement is not the pricing's
            with statements(db.primary) as seen:
                results = await price_many(
                    uow.session, store.id, [PriceRequest(v, 3) for v in ids[:n]], at=NOW
                )
        assert all(r is not None for r in results)
        counts[n] = len(seen)
    assert counts == {10: 1, 100: 1}
