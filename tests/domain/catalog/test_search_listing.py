from datetime import timedelta

import pytest
from sqlalchemy import update

from domain.catalog.models import Attribute, ProductStatus
from domain.catalog.search import (
    Listing,
    ProductFilter,
    ProductSort,
    facet_counts,
    list_products,
    list_with_facets,
    suggest,
)
from domain.db import utcnow
from tests.fixtures.catalog import Catalog, VariantSpec
from tests.fixtures.tenancy import MakeStore, StoreFixture


async def _ids(store: StoreFixture, listing: Listing, first: int = 50, offset: int = 0):
    async with store.uow(readonly=True) as uow:
        page = await list_products(uow.session, listing, first=first, offset=offset)
    return page


@pytest.fixture
async def shop(make_store: MakeStore):
    store = await make_store()
    cat = Catalog(store)
    now = utcnow()
    apex, bata = await cat.brand("Apex"), await cat.brand("Bata")
    shoes = await cat.category("Shoes")
    boots = await cat.category("Boots", shoes)
    bags = await cat.category("Bags")
    colour = await cat.attribute("colour")
    size = await cat.attribute("size")
    p = {}
    p["boot"] = await cat.product(
        "Leather Boot",
        brand=apex,
        category=boots,
        tags=["winter"],
        created_at=now - timedelta(days=5),
        attributes={colour: ["black"], size: ["42"]},
        variants=[VariantSpec("BOOT-42", {"BDT": 450000}, on_hand=2)],
        translations={"bn": {"title": "চামড়ার বুট"}},
    )
    p["sneaker"] = await cat.product(
        "Running Sneaker",
        brand=bata,
        category=shoes,
        created_at=now - timedelta(days=1),
        attributes={colour: ["white", "black"], size: ["41"]},
        variants=[VariantSpec("SNK-41", {"BDT": 250000}, on_hand=0)],
        translations={"bn": {"title": "দৌড়ের জুতা"}},
    )
    p["sandal"] = await cat.product(
        "Sandal",
        brand=bata,
        category=shoes,
        created_at=now - timedelta(days=3),
        attributes={colour: ["brown"]},
        variants=[VariantSpec("SDL-1", {"BDT": 80000}, on_hand=5)],
        translations={"bn": {"title": "স্যান্ডেল"}},
    )
    p["bag"] = await cat.product(
        "Jute Bag",
        brand=apex,
        category=bags,
        created_at=now - timedelta(days=2),
        variants=[VariantSpec("BAG-1", {"BDT": 120000}, on_hand=1)],
        translations={"bn": {"title": "পাটের ব্যাগ"}},
    )
    p["draft"] = await cat.product("Draft Boot", status=ProductStatus.DRAFT, brand=apex, category=boots)
    p["future"] = await cat.product("Future Boot", brand=apex, published_at=now + timedelta(days=1))
    return store, cat, p, {"apex": apex, "bata": bata, "shoes": shoes, "boots": boots, "bags": bags}


def _names(p, ids):
    back = {v.id: k for k, v in p.items()}
    return [back[i] for i in ids]


async def test_storefront_listing_hides_draft_and_future_products_and_admin_can_ask(shop) -> None:
    store, _, p, _ = shop
    page = await _ids(store, Listing(store.id, "en", "BDT"))
    assert _names(p, page.product_ids) == ["sneaker", "bag", "sandal", "boot"]
    assert page.total == 4
    every = await _ids(store, Listing(store.id, "en", "BDT", ProductFilter(statuses=tuple(ProductStatus))))
    assert every.total == 6


async def test_filters(shop) -> None:
    store, _, p, e = shop

    async def names(**f):
        return _names(
            p,
            (
                await _ids(store, Listing(store.id, "en", "BDT", ProductFilter(**f), ProductSort.TITLE))
            ).product_ids,
        )

    assert await names(category_id=e["shoes"].id) == ["boot", "sneaker", "sandal"]
    assert await names(category_id=e["boots"].id) == ["boot"]
    assert await names(brand_ids=(e["bata"].id,)) == ["sneaker", "sandal"]
    assert await names(attributes=("colour:black",)) == ["boot", "sneaker"]
    assert await names(attributes=("colour:black", "colour:brown", "size:42")) == ["boot"]
    assert await names(price_min=100000, price_max=300000) == ["bag", "sneaker"]
    assert await names(in_stock=True) == ["bag", "boot", "sandal"]


async def test_each_sort(shop) -> None:
    store, _, p, _ = shop

    async def order(sort, locale="en"):
        return _names(p, (await _ids(store, Listing(store.id, locale, "BDT", sort=sort))).product_ids)

    assert await order(ProductSort.PRICE_ASC) == ["sandal", "bag", "sneaker", "boot"]
    assert await order(ProductSort.PRICE_DESC) == ["boot", "sneaker", "bag", "sandal"]
    assert await order(ProductSort.NEWEST) == ["sneaker", "bag", "sandal", "boot"]
    assert await order(ProductSort.TITLE) == ["bag", "boot", "sneaker", "sandal"]
    # Bengali in dictionary order (ICU): চ < দ < প < স.
    assert await order(ProductSort.TITLE, "bn") == ["boot", "sneaker", "bag", "sandal"]


async def test_pagination_by_offset(shop) -> None:
    store, _, p, _ = shop
    listing = Listing(store.id, "en", "BDT", sort=ProductSort.PRICE_ASC)
    one = await _ids(store, listing, first=3)
    two = await _ids(store, listing, first=3, offset=3)
    assert (_names(p, one.product_ids), one.has_next_page) == (["sandal", "bag", "sneaker"], True)
    assert (_names(p, two.product_ids), two.has_next_page, two.total) == (["boot"], False, 4)


async def test_facets_exclude_their_own_dimension(shop) -> None:
    store, _, _, e = shop
    listing = Listing(
        store.id, "en", "BDT", ProductFilter(brand_ids=(e["bata"].id,), attributes=("colour:black",))
    )
    async with store.uow(readonly=True) as uow:
        f = await facet_counts(uow.session, listing)
    # Brands ignore the brand filter but keep colour:black (boot by Apex, sneaker by Bata).
    assert dict(f.brands) == {e["apex"].id: 1, e["bata"].id: 1}
    # Colours ignore the colour filter but keep Bata: sneaker (white, black) and sandal (brown).
    colours = {(c, v): n for c, v, n in f.attributes if c == "colour"}
    assert colours == {("colour", "white"): 1, ("colour", "black"): 1, ("colour", "brown"): 1}
    # Other attributes apply every filter: only the sneaker.
    assert {(c, v): n for c, v, n in f.attributes if c == "size"} == {("size", "41"): 1}
    # Categories count each ancestor: the sneaker is in Shoes.
    assert dict(f.categories) == {e["shoes"].id: 1}
    assert [(b.min_amount, b.max_amount, b.count) for b in f.prices] == [(250000, 500000, 1)]


async def test_search_english_bengali_typo_and_sku(shop) -> None:
    store, _, p, _ = shop

    async def found(q, locale="en"):
        return set(_names(p, (await _ids(store, Listing(store.id, locale, "BDT", query=q))).product_ids))

    assert await found("boots") == {"boot"}  # English stemming
    assert await found("sneakr") == {"sneaker"}  # a typo
    assert await found("SDL-1") == {"sandal"}
    assert await found("bata") == {"sneaker", "sandal"}
    assert await found("জুতা", "bn") == {"sneaker"}
    assert await found("চামড়া", "bn") == {"boot"}  # typo-ish: a word cut short
    assert await found("winter") == {"boot"}


async def test_suggestions(shop) -> None:
    store, _, _, _ = shop
    async with store.uow(readonly=True) as uow:
        got = await suggest(uow.session, store_id=store.id, locale="en", query="san", first=5)
        bn = await suggest(uow.session, store_id=store.id, locale="bn", query="পাট", first=5)
    assert [s.title for s in got][:1] == ["Sandal"]
    assert [s.title for s in bn] == ["পাটের ব্যাগ"]


async def test_attributes_not_marked_filterable_are_not_facets(shop) -> None:
    store, _, _, _ = shop
    listing = Listing(store.id, "en", "BDT")
    async with store.uow() as uow:
        await uow.session.execute(update(Attribute).where(Attribute.code == "size").values(filterable=False))
        await uow.commit()

    async with store.uow(readonly=True) as uow:
        f = await facet_counts(uow.session, listing)

    assert {c for c, _, _ in f.attributes} == {"colour"}


async def test_page_and_facets_in_one_statement_equal_the_two_apart(shop) -> None:
    store, _, _, e = shop
    listings = [
        Listing(store.id, "en", "BDT"),
        Listing(
            store.id, "en", "BDT", ProductFilter(brand_ids=(e["bata"].id,), attributes=("colour:black",))
        ),
        Listing(store.id, "en", "BDT", ProductFilter(category_id=e["shoes"].id), ProductSort.PRICE_DESC),
        Listing(store.id, "en", "BDT", ProductFilter(price_min=100000), ProductSort.PRICE_ASC),
        Listing(store.id, "en", "BDT", query="sneaker"),
        Listing(store.id, "bn", "BDT", sort=ProductSort.TITLE),
    ]
    for listing in listings:
        for first, offset in ((2, 0), (2, 2), (50, 0), (3, 10)):
            async with store.uow(readonly=True) as uow:
                together = await list_with_facets(uow.session, listing, first=first, offset=offset)
            async with store.uow(readonly=True) as uow:
                apart = (
                    await list_products(uow.session, listing, first=first, offset=offset),
                    await facet_counts(uow.session, listing),
                )
            assert together == apart, (listing, first, offset)
    assert together[0].total == 4 and together[0].product_ids == [] and together[1].brands
