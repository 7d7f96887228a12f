"""The demo catalog seed: built through the catalog services, complete, and idempotent."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.seed import seed, seed_catalog
from gateway.settings import Settings
from tests.fixtures.database import fetch


async def test_demo_catalog_is_complete_and_idempotent(settings: Settings, owner_engine: AsyncEngine) -> None:
    credentials = await seed(settings, {})

    first = await seed_catalog(settings, credentials["store_slug"], 12)
    again = await seed_catalog(settings, credentials["store_slug"], 12)

    assert not first.skipped and again.skipped
    assert (first.products, first.categories, first.brands) == (12, 125, again.brands)
    assert first.variants >= 48 and first.import_errors == 0
    assert (again.products, again.variants, again.reviews) == (first.products, first.variants, first.reviews)
    roots = await fetch(owner_engine, "SELECT count(*) AS n FROM categories WHERE parent_id IS NULL")
    deepest = await fetch(owner_engine, "SELECT max(depth) AS d FROM categories")
    assert (roots[0]["n"], deepest[0]["d"]) == (5, 2)
    # Bengali base text, English by translation, both in the read model; USD beside BDT.
    rows = await fetch(
        owner_engine,
        "SELECT s.locale, s.title, s.in_stock, array_length(s.attribute_values, 1) AS attrs"
        " FROM product_summaries s JOIN products p ON p.id = s.product_id WHERE p.slug = 'demo-00001'"
        " ORDER BY s.locale",
    )
    assert [(r["locale"], r["title"]) for r in rows] == [
        ("bn", "সুতি সবুজ শার্ট ১"),
        ("en", "Cotton Green Shirts 1"),
    ]
    assert all(r["attrs"] == 3 for r in rows)
    currencies = await fetch(
        owner_engine,
        "SELECT DISTINCT currency FROM product_summary_prices ORDER BY currency",
    )
    assert [r["currency"] for r in currencies] == ["BDT", "USD"]
