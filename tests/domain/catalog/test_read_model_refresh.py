from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.catalog.models import AttributeKind, ProductStatus, ReviewStatus
from domain.db import utcnow
from tests.fixtures.catalog import Catalog, VariantSpec
from tests.fixtures.database import fetch
from tests.fixtures.tenancy import MakeStore


async def _summary(engine: AsyncEngine, product_id, locale: str = "en"):
    rows = await fetch(
        engine,
        "SELECT * FROM product_summaries WHERE product_id = :p AND locale = :l",
        p=product_id,
        l=locale,
    )
    return rows[0] if rows else None


async def _prices(engine: AsyncEngine, product_id):
    rows = await fetch(
        engine,
        "SELECT currency, min_amount, max_amount FROM product_summary_prices WHERE product_id = :p"
        " ORDER BY currency",
        p=product_id,
    )
    return [tuple(r.values()) for r in rows]


async def test_prices_per_currency_and_one_row_per_locale(make_store: MakeStore, owner_engine) -> None:
    cat = Catalog(await make_store())
    p = await cat.product(
        "Shirt",
        variants=[
            VariantSpec("S1", {"BDT": 120000, "USD": 1100}, on_hand=1),
            VariantSpec("S2", {"BDT": 90000, "USD": 1500}, on_hand=1),
            VariantSpec("S3", {"BDT": 150000}, on_hand=1),
        ],
    )

    assert await _prices(owner_engine, p.id) == [("BDT", 90000, 150000), ("USD", 1100, 1500)]
    rows = await fetch(owner_engine, "SELECT locale, prices FROM product_summaries ORDER BY locale")
    assert [r["locale"] for r in rows] == ["bn", "en"]
    assert rows[0]["prices"] == {"BDT": {"min": 90000, "max": 150000}, "USD": {"min": 1100, "max": 1500}}


async def test_in_stock_counts_free_units_backorder_and_untracked(
    make_store: MakeStore, owner_engine
) -> None:
    cat = Catalog(await make_store())
    reserved_all = await cat.product("A", variants=[VariantSpec("A1", {"BDT": 1}, on_hand=3, reserved=3)])
    one_free = await cat.product(
        "B", variants=[VariantSpec("B1", {"BDT": 1}), VariantSpec("B2", {"BDT": 1}, on_hand=2, reserved=1)]
    )
    backorder = await cat.product("C", variants=[VariantSpec("C1", {"BDT": 1}, allow_backorder=True)])
    untracked = await cat.product("D", variants=[VariantSpec("D1", {"BDT": 1}, track_inventory=False)])

    got = {
        p.title: (await _summary(owner_engine, p.id))["in_stock"]
        for p in (reserved_all, one_free, backorder, untracked)
    }
    assert got == {"A": False, "B": True, "C": True, "D": True}


async def test_bundle_in_stock_only_when_every_part_has_its_quantity(
    make_store: MakeStore, owner_engine
) -> None:
    cat = Catalog(await make_store())
    tea = await cat.product("Tea", variants=[VariantSpec("TEA", {"BDT": 100}, on_hand=5)])
    cup = await cat.product("Cup", variants=[VariantSpec("CUP", {"BDT": 100}, on_hand=1)])
    (tea_v,), (cup_v,) = await cat.variants_of(tea), await cat.variants_of(cup)
    ok = await cat.product(
        "Gift", variants=[VariantSpec("GIFT1", {"BDT": 150})], bundle=[(tea_v.id, 2), (cup_v.id, 1)]
    )
    short = await cat.product("Gift2", variants=[VariantSpec("GIFT2", {"BDT": 150})], bundle=[(cup_v.id, 2)])

    assert (await _summary(owner_engine, ok.id))["in_stock"] is True
    assert (await _summary(owner_engine, short.id))["in_stock"] is False


async def test_rating_counts_only_approved_reviews(make_store: MakeStore, owner_engine) -> None:
    cat = Catalog(await make_store())
    p = await cat.product("Rated")
    await cat.review(p, 5, ReviewStatus.APPROVED)
    await cat.review(p, 4, ReviewStatus.APPROVED)
    await cat.review(p, 1, ReviewStatus.PENDING)
    await cat.review(p, 1, ReviewStatus.SPAM)
    await cat.review(p, 1, ReviewStatus.REJECTED)
    await cat.refresh(p.id)

    s = await _summary(owner_engine, p.id)
    assert (s["rating_avg"], s["rating_count"]) == (4.5, 2)


async def test_translations_with_fallback_and_search_text(make_store: MakeStore, owner_engine) -> None:
    cat = Catalog(await make_store())
    brand = await cat.brand("Aarong")
    await cat.translate("brand", brand.id, "bn", name="আড়ং")
    p = await cat.product(
        "Cotton Saree",
        brand=brand,
        tags=["eid"],
        translations={"bn": {"title": "সুতির শাড়ি"}},
        variants=[VariantSpec("SAREE-1", {"BDT": 1})],
    )
    plain = await cat.product("Plain", variants=[VariantSpec("PL-1", {"BDT": 1})])

    bn, en = await _summary(owner_engine, p.id, "bn"), await _summary(owner_engine, p.id, "en")
    assert (bn["title"], bn["brand_name"]) == ("সুতির শাড়ি", "আড়ং")
    assert (en["title"], en["brand_name"]) == ("Cotton Saree", "Aarong")
    # the row's own language first, then the title in the store's other languages (Latin-typed searches)
    assert bn["search_text"] == "সুতির শাড়ি SAREE-1 আড়ং eid Cotton Saree"
    assert en["search_text"] == "Cotton Saree SAREE-1 Aarong eid সুতির শাড়ি"
    assert (await _summary(owner_engine, plain.id, "bn"))["title"] == "Plain"


async def test_status_image_category_attributes_and_deletion(make_store: MakeStore, owner_engine) -> None:
    cat = Catalog(await make_store())
    root = await cat.category("Men")
    leaf = await cat.category("Shirts", root)
    colour = await cat.attribute("colour")
    size = await cat.attribute("chest", AttributeKind.NUMBER)
    later = utcnow() + timedelta(days=3)
    p = await cat.product(
        "Draft",
        status=ProductStatus.DRAFT,
        category=leaf,
        images=3,
        published_at=later,
        attributes={colour: ["red", "blue"], size: 42},
    )

    s = await _summary(owner_engine, p.id)
    assert s["status"] == "draft" and s["published_at"] == later
    assert s["category_path"] == f"/{root.id}/{leaf.id}/"
    assert s["primary_image_url"].endswith("/0.jpg")
    assert sorted(s["attribute_values"]) == ["chest:42", "colour:blue", "colour:red"]

    async with cat.store.uow() as uow:
        from sqlalchemy import delete

        from domain.catalog.models import Product

        await uow.session.execute(delete(Product).where(Product.id == p.id))
        await uow.commit()
    assert await cat.refresh(p.id) == 0
    assert await _summary(owner_engine, p.id) is None


async def test_rule_collections_and_manual_memberships(make_store: MakeStore, owner_engine) -> None:
    cat = Catalog(await make_store())
    brand = await cat.brand("Yellow")
    men = await cat.category("Men")
    shirts = await cat.category("Shirts", men)
    cheap_eid = await cat.product(
        "Eid Panjabi",
        brand=brand,
        category=shirts,
        tags=["eid"],
        variants=[VariantSpec("E1", {"BDT": 150000})],
        refresh=False,
    )
    dear_eid = await cat.product(
        "Eid Sherwani",
        brand=brand,
        tags=["eid"],
        variants=[VariantSpec("E2", {"BDT": 900000})],
        refresh=False,
    )
    other = await cat.product("Socks", variants=[VariantSpec("S1", {"BDT": 10000})], refresh=False)
    eid = await cat.collection(
        "Eid", rules={"match": "all", "conditions": [{"field": "tag", "op": "eq", "value": "eid"}]}
    )
    cheap = await cat.collection(
        "Yellow under 2000",
        rules={
            "match": "all",
            "conditions": [
                {"field": "brand", "op": "eq", "value": "yellow"},
                {"field": "price", "op": "lt", "value": 200000, "currency": "BDT"},
            ],
        },
    )
    mens = await cat.collection(
        "Men or socks",
        rules={
            "match": "any",
            "conditions": [
                {"field": "category", "op": "eq", "value": "men"},
                {"field": "title", "op": "contains", "value": "sock"},
            ],
        },
    )
    picks = await cat.collection("Picks", products=[other])

    await cat.refresh(cheap_eid.id, dear_eid.id, other.id)

    async def members(p):
        return set((await _summary(owner_engine, p.id))["collection_ids"])

    assert await members(cheap_eid) == {eid.id, cheap.id, mens.id}
    assert await members(dear_eid) == {eid.id}
    assert await members(other) == {picks.id, mens.id}
