"""The storefront and the read model price through the pricing entry point; price list changes and
scheduled sale boundaries reach the read model and purge cached answers through the real consumers."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import Database, utcnow
from domain.pricing.inputs import (
    ListPriceInput,
    PriceListInput,
    PricingSettingsInput,
    TaxClassInput,
    TaxRateInput,
)
from domain.pricing.lists import create_price_list, set_list_prices
from domain.pricing.settings import update_pricing_settings
from domain.pricing.tax import create_tax_class, set_tax_rate
from gateway.settings import Settings
from tests.fixtures.cache import deliver, gateway, persisted
from tests.fixtures.catalog import Catalog, VariantSpec, document
from tests.fixtures.database import fetch
from tests.fixtures.pricing import run
from tests.fixtures.tenancy import MakeStore, gql
from workers.pricing import sweep_all

PAGE = """{ product(slug: "panjabi") {
  priceRange { min { amount } max { amount } }
  variants { price { amount currency } compareAtPrice { amount } priceIncludingTax { amount }
             priceExcludingTax { amount } }
} }"""


async def _panjabi(store) -> tuple:
    cat = Catalog(store)
    product = await cat.product(
        "Panjabi",
        slug="panjabi",
        variants=[
            VariantSpec("PJ-1", {"BDT": 250000}, on_hand=5),
            VariantSpec("PJ-2", {"BDT": 300000}, on_hand=5),
        ],
    )
    return product, await cat.variants_of(product)


async def _ranges(engine: AsyncEngine, product_id) -> list[tuple]:
    rows = await fetch(
        engine,
        "SELECT currency, min_amount, max_amount FROM product_summary_prices WHERE product_id = :p",
        p=product_id,
    )
    return [tuple(r.values()) for r in rows]


async def test_variant_prices_and_tax_amounts_come_from_the_pricing_rules(
    client, make_store: MakeStore
) -> None:
    store = await make_store()
    _, (one, _two) = await _panjabi(store)
    vat = await run(
        store, lambda uow: create_tax_class(uow, TaxClassInput(code="vat", name="VAT", is_default=True))
    )
    await run(
        store, lambda uow: set_tax_rate(uow, TaxRateInput(tax_class_id=vat.id, country="BD", percent=15))
    )
    sale = await run(
        store, lambda uow: create_price_list(uow, PriceListInput(code="eid", name="Eid", priority=1))
    )
    await run(
        store,
        lambda uow: set_list_prices(
            uow, sale.id, [ListPriceInput(variant_id=one.id, currency="BDT", amount=230000)]
        ),
    )

    data = (await gql(client, store.admin, PAGE)).json()["data"]["product"]

    assert [v["price"]["amount"] for v in data["variants"]] == [230000, 300000]
    assert [v["priceIncludingTax"]["amount"] for v in data["variants"]] == [230000, 300000]
    assert [v["priceExcludingTax"]["amount"] for v in data["variants"]] == [200000, 260870]


async def test_a_price_list_change_refreshes_the_read_model_and_purges_the_cached_page(
    settings: Settings, make_store: MakeStore, db: Database, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    product, (one, _) = await _panjabi(store)
    page = document("ProductPage")
    async with gateway(settings) as (client, state):
        first = await persisted(client, store.storefront, page, {"slug": "panjabi"})
        cached = await persisted(client, store.storefront, page, {"slug": "panjabi"})
        sale = await run(store, lambda uow: create_price_list(uow, PriceListInput(code="eid", name="Eid")))
        await run(
            store,
            lambda uow: set_list_prices(
                uow, sale.id, [ListPriceInput(variant_id=one.id, currency="BDT", amount=199900)]
            ),
        )
        seen = state.subscriber.received
        ran = await deliver(db, owner_engine, store.id, "price_list.prices_set")
        async with asyncio.timeout(30):
            await state.subscriber.wait_received(seen + 1)
        fresh = await persisted(client, store.storefront, page, {"slug": "panjabi"})

    def prices(res) -> list[int]:
        return [v["price"]["amount"] for v in res.json()["data"]["product"]["variants"]]

    assert (first.headers["x-cache"], cached.headers["x-cache"]) == ("MISS", "HIT-MEMORY")
    assert ran == ["pricing.read_model", "cache.purge", "webhooks.fanout"]
    assert fresh.headers["x-cache"] == "MISS"
    assert prices(cached) == [250000, 300000] and prices(fresh) == [199900, 300000]
    assert fresh.json()["data"]["product"]["priceRange"] == {
        "min": {"amount": 199900, "currency": "BDT"},
        "max": {"amount": 300000, "currency": "BDT"},
    }
    assert await _ranges(owner_engine, product.id) == [("BDT", 199900, 300000)]


async def test_store_wide_changes_rebuild_every_product(
    make_store: MakeStore, db: Database, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    product, _ = await _panjabi(store)
    await run(store, lambda uow: update_pricing_settings(uow, PricingSettingsInput(prices_include_tax=False)))

    ran = await deliver(db, owner_engine, store.id, "pricing_settings.updated")

    assert ran == ["pricing.read_model", "cache.purge", "webhooks.fanout"]
    assert await _ranges(owner_engine, product.id) == [("BDT", 250000, 300000)]


async def test_a_sale_start_passing_is_swept_into_the_read_model_once(
    make_store: MakeStore, db: Database, owner_engine: AsyncEngine
) -> None:
    store = await make_store()
    other = await make_store("other")
    product, (one, _) = await _panjabi(store)
    now = utcnow()
    start = now - timedelta(seconds=1)
    sale = await run(
        store, lambda uow: create_price_list(uow, PriceListInput(code="eid", name="Eid", starts_at=start))
    )
    await run(
        store,
        lambda uow: set_list_prices(
            uow, sale.id, [ListPriceInput(variant_id=one.id, currency="BDT", amount=1000)]
        ),
    )
    # The read model as of before the start (what a refresh done then held).
    async with store.uow(clock=lambda: start - timedelta(minutes=5)) as uow:
        from domain.catalog.read_model import refresh_products

        await refresh_products(uow, [product.id])
        await uow.commit()
    before = await _ranges(owner_engine, product.id)

    earlier = await sweep_all(db, clock=lambda: start - timedelta(hours=1))
    at_start = await sweep_all(db, clock=lambda: now)
    again = await sweep_all(db, clock=lambda: now + timedelta(minutes=1))
    ran = await deliver(db, owner_engine, store.id, "price_list.schedule_passed")

    assert before == [("BDT", 250000, 300000)]
    assert earlier == {}  # nothing due yet
    assert at_start == {store.id: 1} and again == {}
    assert other.id not in at_start
    assert ran == ["pricing.read_model", "cache.purge", "webhooks.fanout"]
    assert await _ranges(owner_engine, product.id) == [("BDT", 1000, 300000)]
