"""Listings, search, suggestions, the category tree and collection pages through the persisted documents."""

from datetime import timedelta

import pytest

from domain.catalog.models import ProductStatus
from domain.db import utcnow
from resolvers.ids import encode_global_id
from tests.fixtures.catalog import Catalog, VariantSpec, persisted
from tests.fixtures.tenancy import MakeStore


@pytest.fixture
async def shop(make_store: MakeStore):
    store = await make_store("a", "BDT", ("en", "bn"))
    cat = Catalog(store)
    now = utcnow()
    walton, pran = await cat.brand("Walton"), await cat.brand("Pran")
    home = await cat.category("Home", position=1)
    kitchen = await cat.category("Kitchen", home, position=2)
    cooling = await cat.category("Cooling", home, position=1)
    food = await cat.category("Food", position=0)
    await cat.translate("category", food.id, "bn", name="খাবার")
    colour = await cat.attribute("colour")
    fridge = await cat.product(
        "Walton Refrigerator",
        slug="fridge",
        brand=walton,
        category=cooling,
        created_at=now - timedelta(days=3),
        attributes={colour: ["silver"]},
        tags=["electronics"],
        variants=[VariantSpec("WFR-1", {"BDT": 5500000}, on_hand=2)],
        translations={"bn": {"title": "ওয়ালটন ফ্রিজ"}},
    )
    fan = await cat.product(
        "Walton Ceiling Fan",
        slug="fan",
        brand=walton,
        category=cooling,
        created_at=now - timedelta(days=1),
        attributes={colour: ["white"]},
        variants=[VariantSpec("WCF-1", {"BDT": 350000}, on_hand=0)],
        translations={"bn": {"title": "ওয়ালটন সিলিং ফ্যান"}},
    )
    pan = await cat.product(
        "Non-stick Frying Pan",
        slug="pan",
        category=kitchen,
        created_at=now - timedelta(days=2),
        attributes={colour: ["black"]},
        variants=[VariantSpec("PAN-1", {"BDT": 180000}, on_hand=4)],
        translations={"bn": {"title": "ননস্টিক কড়াই"}},
    )
    juice = await cat.product(
        "Pran Mango Juice",
        slug="juice",
        brand=pran,
        category=food,
        created_at=now - timedelta(days=4),
        variants=[VariantSpec("PMJ-1", {"BDT": 3000}, track_inventory=False)],
        translations={"bn": {"title": "প্রাণ আমের জুস"}},
    )
    await cat.product(
        "Hidden Heater", slug="heater", brand=walton, category=cooling, status=ProductStatus.DRAFT
    )
    manual = await cat.collection("Summer", products=[fan, juice])
    cheap = await cat.collection(
        "Under 2000", rules={"match": "all", "conditions": [{"field": "price", "op": "lt", "value": 200000}]}
    )
    await cat.refresh(fridge.id, fan.id, pan.id, juice.id)
    return store, {
        "walton": walton,
        "pran": pran,
        "home": home,
        "kitchen": kitchen,
        "cooling": cooling,
        "food": food,
        "manual": manual,
        "cheap": cheap,
    }


def _slugs(data, key="products"):
    return [e["node"]["slug"] for e in data[key]["edges"]]


async def test_listing_filters_sorts_and_pages(client, shop) -> None:
    store, e = shop

    async def slugs(**variables):
        return _slugs(await persisted(client, store.storefront, "ProductListing", variables))

    assert await slugs() == ["fan", "pan", "fridge", "juice"]  # newest first
    assert await slugs(sort="PRICE_ASC") == ["juice", "pan", "fan", "fridge"]
    assert await slugs(sort="PRICE_DESC") == ["fridge", "fan", "pan", "juice"]
    assert await slugs(filter={"category": encode_global_id("Category", e["home"].id)}, sort="TITLE") == [
        "pan",
        "fan",
        "fridge",
    ]
    assert await slugs(filter={"brands": [encode_global_id("Brand", e["walton"].id)]}, sort="PRICE_ASC") == [
        "fan",
        "fridge",
    ]
    assert await slugs(filter={"attributes": ["colour:white", "colour:black"]}, sort="PRICE_ASC") == [
        "pan",
        "fan",
    ]
    assert await slugs(filter={"price": {"min": 100000, "max": 400000}}, sort="PRICE_ASC") == ["pan", "fan"]
    assert await slugs(filter={"inStock": True}, sort="PRICE_ASC") == ["juice", "pan", "fridge"]
    assert await slugs(
        filter={"collection": encode_global_id("Collection", e["cheap"].id)}, sort="PRICE_ASC"
    ) == ["juice", "pan"]


async def test_title_sort_in_bengali_and_english(client, shop) -> None:
    store, _ = shop
    en = _slugs(await persisted(client, store.storefront, "ProductListing", {"sort": "TITLE"}))
    bn = _slugs(
        await persisted(client, store.storefront, "ProductListing", {"sort": "TITLE", "locale": "bn"})
    )
    assert en == ["pan", "juice", "fan", "fridge"]
    # ICU orders Bengali by its alphabet (ও < ন < প; ফ্রিজ < সিলিং), not by code point.
    assert bn == ["fridge", "fan", "pan", "juice"]


async def test_facets_and_total(client, shop) -> None:
    store, e = shop
    walton = encode_global_id("Brand", e["walton"].id)
    data = await persisted(client, store.storefront, "ProductListing", {"filter": {"brands": [walton]}})
    conn = data["products"]
    assert conn["totalCount"] == 2
    brands = {f["brand"]["slug"]: f["count"] for f in conn["facets"]["brands"]}
    assert brands == {"walton": 2, "pran": 1}  # the brand facet ignores the brand filter
    categories = {f["category"]["slug"]: f["count"] for f in conn["facets"]["categories"]}
    assert categories == {"home": 2, "cooling": 2}
    assert {(a["code"], a["value"]): a["count"] for a in conn["facets"]["attributes"]} == {
        ("colour", "silver"): 1,
        ("colour", "white"): 1,
    }
    assert [(p["min"]["amount"], p["count"]) for p in conn["facets"]["prices"]] == [(250000, 1), (2500000, 1)]


async def test_search_english_bengali_typo_and_suggestions(client, shop) -> None:
    store, _ = shop

    async def found(query, **variables):
        return set(
            _slugs(
                await persisted(client, store.storefront, "Search", {"query": query, **variables}), "search"
            )
        )

    assert await found("refrigerators") == {"fridge"}
    assert await found("refrigerater") == {"fridge"}  # typo
    assert await found("PMJ-1") == {"juice"}
    assert await found("walton") == {"fridge", "fan"}
    assert await found("electronics") == {"fridge"}
    assert await found("ফ্রিজ", locale="bn") == {"fridge"}
    assert await found("আমের", locale="bn") == {"juice"}
    assert await found("mango juice", locale="bn") == {"juice"}  # Latin letters on the Bengali storefront
    assert await found("ফ্রিজ", locale="en") == {"fridge"}  # and Bengali on the English one
    assert await found("heater") == set()  # a draft

    sugg = await persisted(client, store.storefront, "SearchSuggestions", {"query": "walt"})
    assert {s["slug"] for s in sugg["searchSuggestions"]} == {"fridge", "fan"}
    bn = await persisted(client, store.storefront, "SearchSuggestions", {"query": "প্রা", "locale": "bn"})
    assert [s["title"] for s in bn["searchSuggestions"]] == ["প্রাণ আমের জুস"]


async def test_category_tree_and_collection_page(client, shop) -> None:
    store, _ = shop
    tree = await persisted(client, store.storefront, "CategoryTree", {"locale": "bn"})
    assert [(c["name"], [k["slug"] for k in c["children"]]) for c in tree["categories"]] == [
        ("খাবার", []),
        ("Home", ["cooling", "kitchen"]),
    ]
    assert {b["slug"] for b in tree["brands"]} == {"walton", "pran"}

    page = await persisted(
        client, store.storefront, "CollectionPage", {"slug": "summer", "sort": "PRICE_ASC"}
    )
    assert page["collection"]["name"] == "Summer"
    assert _slugs(page["collection"]) == ["juice", "fan"]

    category = await persisted(
        client, store.storefront, "CategoryPage", {"slug": "home", "sort": "PRICE_ASC"}
    )
    assert [a["slug"] for a in category["category"]["ancestors"]] == ["home"]
    assert _slugs(category["category"]) == ["pan", "fan", "fridge"]
