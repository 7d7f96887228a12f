"""Cart totals on real PostgreSQL: prices through the pricing entry point, discounts through the promotion
engine, shipping by zone and rate, tax split per line, problems, and a fixed number of statements."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import update

from domain.cart import details
from domain.cart.errors import CartErrorCode, ProblemKind
from domain.cart.services import cart_lines, changeable_cart, update_lines
from domain.cart.totals import compute
from domain.catalog.models import StockLevel, VariantPrice
from domain.errors import DomainError
from domain.pricing.inputs import TaxClassInput, TaxRateInput
from domain.pricing.tax import create_tax_class, set_tax_rate
from domain.promotions.cache import PromotionCache
from domain.promotions.codes import create_code
from domain.promotions.inputs import CodeCreateInput, PromotionCreateInput
from domain.promotions.limits import PromotionLimits
from domain.promotions.models import PromotionKind
from domain.promotions.services import create_promotion
from tests.fixtures.cart import DHAKA, SYLHET, Shop, cart_with, seed_shop
from tests.fixtures.database import statements
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def _address(store: StoreFixture, token: str, address: object, method: object = None) -> None:
    async with store.uow() as uow:
        cart = await changeable_cart(uow, token=token, customer_id=None)
        await details.set_addresses(uow, cart, shipping=address, billing=None)  # type: ignore[arg-type]
        if method is not None:
            await details.set_shipping_method(uow, cart, method)  # type: ignore[arg-type]
        await uow.commit()


async def _totals(store: StoreFixture, token: str, cache: PromotionCache | None = None):  # type: ignore[no-untyped-def]
    async with store.uow() as uow:
        cart = await changeable_cart(uow, token=token, customer_id=None)
        return await compute(uow, cart, cache=cache or PromotionCache())


async def _percent_code(store: StoreFixture, code: str, percent: int) -> None:
    async with store.uow() as uow:
        promotion = await create_promotion(
            uow,
            PromotionCreateInput(
                name=f"{percent}% off",
                kind=PromotionKind.CODE,
                action={"type": "order_percent", "percent": percent},
                active=True,
            ),
            limits=PromotionLimits(),
        )
        await create_code(uow, promotion.id, CodeCreateInput.model_validate({"code": code}))
        await uow.commit()


async def test_inside_dhaka_pays_the_flat_rate_and_outside_pays_by_weight(make_store: MakeStore) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    _, inside = await cart_with(store, {shop.tee: 1, shop.mug: 1})
    await _address(store, inside, DHAKA, shop.dhaka_flat)
    totals = await _totals(store, inside)
    assert [q.method.code for q in totals.quotes] == ["dhaka"]
    assert totals.shipping is not None and totals.shipping.amount == 6000
    assert (totals.subtotal, totals.shipping_total, totals.total) == (110000, 6000, 116000)

    _, outside = await cart_with(store, {shop.tee: 1, shop.mug: 1})  # 1000 g: the 1 kg bracket
    await _address(store, outside, SYLHET, shop.outside_weight)
    totals = await _totals(store, outside)
    assert totals.shipping is not None and totals.shipping.amount == 15000
    assert totals.total == 110000 + 15000


async def test_a_method_of_another_zone_is_refused_and_moving_zone_drops_the_method(
    make_store: MakeStore,
) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    _, token = await cart_with(store, {shop.tee: 1})
    with pytest.raises(DomainError) as caught:
        await _address(store, token, SYLHET, shop.dhaka_flat)
    assert caught.value.code == CartErrorCode.SHIPPING_METHOD_UNAVAILABLE
    await _address(store, token, DHAKA, shop.dhaka_flat)
    await _address(store, token, SYLHET)
    totals = await _totals(store, token)
    assert totals.cart.shipping_method_id is None and totals.shipping is None


async def test_shipping_is_free_over_the_threshold(make_store: MakeStore) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    _, token = await cart_with(store, {shop.ebook: 40})  # 6000.00 >= 5000.00
    await _address(store, token, SYLHET, shop.outside_weight)
    totals = await _totals(store, token)
    assert totals.quotes[0].free and totals.shipping is not None and totals.shipping.amount == 0
    assert totals.total == 600000


async def test_a_code_discount_is_allocated_over_lines_and_tax_is_split_per_line(
    make_store: MakeStore,
) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    async with store.uow() as uow:
        vat = await create_tax_class(uow, TaxClassInput(code="vat", name="VAT", is_default=True))
        await set_tax_rate(uow, TaxRateInput(tax_class_id=vat.id, country="BD", percent=Decimal(15)))
        await uow.commit()
    await _percent_code(store, "EID10", 10)
    _, token = await cart_with(store, {shop.tee: 2, shop.mug: 1})
    async with store.uow() as uow:
        await details.apply_code(uow, await changeable_cart(uow, token=token, customer_id=None), "eid10")
        await uow.commit()
    totals = await _totals(store, token)
    assert totals.cart.codes == ["EID10"]
    assert totals.subtotal == 190000
    assert [line.discount for line in totals.lines] == [16000, 3000]
    assert totals.discount_total == 19000
    # Prices include 15% VAT: the tax of 1710.00 is 223.04 (1710/1.15 = 1486.96), split over the lines.
    assert totals.tax_total == 22304 and sum(line.tax for line in totals.lines) == 22304
    assert totals.total == 171000
    assert all(line.discounts and line.discounts[0].code == "EID10" for line in totals.lines)


async def test_an_unknown_code_is_refused(make_store: MakeStore) -> None:
    store = await make_store()
    _, token = await cart_with(store, {})
    with pytest.raises(DomainError) as caught:
        async with store.uow() as uow:
            await details.apply_code(uow, await changeable_cart(uow, token=token, customer_id=None), "NOPE")
    assert (caught.value.code, caught.value.field) == (CartErrorCode.CODE_NOT_FOUND, "code")


async def test_problems_show_price_changes_and_stock_shortfalls(make_store: MakeStore) -> None:
    store = await make_store()
    shop = await seed_shop(store)
    _, token = await cart_with(store, {shop.tee: 3, shop.mug: 2})
    async with store.uow() as uow:
        await uow.session.execute(
            update(VariantPrice).where(VariantPrice.variant_id == shop.tee).values(amount=90000)
        )
        await uow.session.execute(
            update(StockLevel).where(StockLevel.variant_id == shop.tee).values(on_hand=1)
        )
        await uow.session.execute(
            update(StockLevel).where(StockLevel.variant_id == shop.mug).values(on_hand=0)
        )
        await uow.commit()
    totals = await _totals(store, token)
    found = {(p.kind, p.available, p.current_price) for p in totals.problems}
    assert found == {
        (ProblemKind.INSUFFICIENT_STOCK, 1, None),
        (ProblemKind.PRICE_CHANGED, None, 90000),
        (ProblemKind.OUT_OF_STOCK, 0, None),
    }
    # The totals use the current price; changing the quantity takes it as the remembered one.
    assert totals.lines[0].unit_price == 90000
    async with store.uow() as uow:
        cart = await changeable_cart(uow, token=token, customer_id=None)
        lines = await cart_lines(uow, cart.id)
        await update_lines(uow, cart, [(lines[0].id, 1), (lines[1].id, 0)])
        await uow.commit()
    assert (await _totals(store, token)).problems == ()


async def _seed_lines(store: StoreFixture, shop: Shop, n: int) -> str:
    from tests.fixtures.cart import _variant

    variants = [await _variant(store, f"V{i}", 1000 + i, 50, weight=100) for i in range(n)]
    _, token = await cart_with(store, dict.fromkeys(variants, 1))
    await _percent_code(store, "TEN", 10)
    async with store.uow() as uow:
        cart = await changeable_cart(uow, token=token, customer_id=None)
        await details.apply_code(uow, cart, "TEN")
        await details.set_addresses(uow, cart, shipping=DHAKA, billing=None)
        await details.set_shipping_method(uow, cart, shop.dhaka_flat)
        await uow.commit()
    return token


async def test_cart_totals_take_the_same_statements_for_one_line_or_twenty(make_store: MakeStore) -> None:
    counts = []
    for slug, n in (("one", 1), ("many", 20)):
        store = await make_store(slug)
        shop = await seed_shop(store)
        token = await _seed_lines(store, shop, n)
        cache = PromotionCache()
        await _totals(store, token, cache)  # compiles the rules once
        with statements(store.db.primary) as seen:
            totals = await _totals(store, token, cache)
        assert len(totals.lines) == n and totals.discount_total > 0 and totals.shipping is not None
        counts.append(len(seen))
    # scope, cart, lines, variants, stock, prices, zones, methods, store, promotion facts, groups-less
    # snapshot, rules version, codes: 12 whatever the number of lines.
    assert counts == [12, 12]
