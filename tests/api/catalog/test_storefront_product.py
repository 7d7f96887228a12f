from datetime import timedelta

from domain.catalog.models import ProductStatus, ReviewStatus
from domain.db import utcnow
from resolvers.ids import encode_global_id
from tests.fixtures.catalog import Catalog, VariantSpec, persisted
from tests.fixtures.tenancy import MakeStore, gql


async def _shop(make_store: MakeStore):
    store = await make_store("a", "BDT", ("bn", "en"))
    cat = Catalog(store)
    brand = await cat.brand("Aarong")
    await cat.translate("brand", brand.id, "bn", name="আড়ং")
    root = await cat.category("Women")
    sarees = await cat.category("Sarees", root)
    await cat.translate("category", sarees.id, "bn", name="শাড়ি")
    colour = await cat.attribute("colour")
    saree = await cat.product(
        "Cotton Saree",
        slug="cotton-saree",
        brand=brand,
        category=sarees,
        images=2,
        attributes={colour: ["red"]},
        options={"Colour": ["Red", "Blue"]},
        translations={"bn": {"title": "সুতির শাড়ি"}},
        variants=[
            VariantSpec(
                "SAREE-R", {"BDT": 250000}, on_hand=3, options={"Colour": "Red"}, compare_at={"BDT": 300000}
            ),
            VariantSpec("SAREE-B", {"BDT": 270000}, options={"Colour": "Blue"}),
        ],
    )
    for rating, status in ((5, ReviewStatus.APPROVED), (3, ReviewStatus.APPROVED), (1, ReviewStatus.PENDING)):
        await cat.review(saree, rating, status)
    await cat.refresh(saree.id)
    draft = await cat.product("Secret", slug="secret", status=ProductStatus.DRAFT)
    future = await cat.product("Soon", slug="soon", published_at=utcnow() + timedelta(days=2))
    return store, cat, saree, draft, future


async def test_product_page_by_slug_in_bengali_with_everything(client, make_store: MakeStore) -> None:
    store, _, _, _, _ = await _shop(make_store)

    data = await persisted(client, store.storefront, "ProductPage", {"slug": "cotton-saree"})
    p = data["product"]

    assert p["title"] == "সুতির শাড়ি"  # the store's default locale is bn
    assert p["brand"]["name"] == "আড়ং"
    assert [c["name"] for c in p["category"]["ancestors"]] == ["Women", "শাড়ি"]
    assert p["priceRange"] == {
        "min": {"amount": 250000, "currency": "BDT"},
        "max": {"amount": 270000, "currency": "BDT"},
    }
    assert [(v["sku"], v["price"]["amount"], v["availableForSale"]) for v in p["variants"]] == [
        ("SAREE-R", 250000, True),
        ("SAREE-B", 270000, False),
    ]
    assert p["variants"][0]["compareAtPrice"] == {"amount": 300000, "currency": "BDT"}
    assert p["variants"][0]["selectedOptions"] == [{"name": "Colour", "value": "Red"}]
    assert p["options"] == [{"name": "Colour", "position": 0, "values": ["Red", "Blue"]}]
    assert p["attributes"] == [
        {"attribute": {"code": "colour", "name": "Colour", "kind": "CHOICE"}, "values": ["red"]}
    ]
    assert len(p["media"]) == 2 and p["availableForSale"] is True
    assert p["rating"] == {"average": 4.0, "count": 2}
    assert sorted(r["node"]["rating"] for r in p["reviews"]["edges"]) == [3, 5]


async def test_locale_from_directive_header_and_fallback(client, make_store: MakeStore) -> None:
    store, _, _, _, _ = await _shop(make_store)

    async def title(variables, headers=None):
        data = await persisted(
            client, store.storefront, "ProductPage", {"slug": "cotton-saree", **variables}, headers=headers
        )
        return data["product"]["title"]

    assert await title({"locale": "en"}) == "Cotton Saree"
    assert await title({}, {"accept-language": "en-US,en;q=0.8"}) == "Cotton Saree"  # en-us matches en
    assert await title({"locale": "bn"}, {"accept-language": "en"}) == "সুতির শাড়ি"  # the directive wins
    assert await title({"locale": "fr"}) == "সুতির শাড়ি"  # unsupported: the store default


async def test_draft_and_future_products_are_invisible_to_storefront_tokens(
    client, make_store: MakeStore
) -> None:
    store, _, _, draft, future = await _shop(make_store)

    for slug in ("secret", "soon"):
        assert (await persisted(client, store.storefront, "ProductPage", {"slug": slug}))["product"] is None
    node = f'{{ node(id: "{encode_global_id("Product", draft.id)}") {{ id }} }}'
    assert (await gql(client, store.admin, node)).json()["data"]["node"] is not None
    listing = await persisted(client, store.storefront, "ProductListing", {"filter": {"status": ["DRAFT"]}})
    assert listing["products"]["totalCount"] == 1  # a storefront token cannot widen the statuses
    admin = (
        await gql(client, store.admin, "{ products(filter: {status: [DRAFT, ACTIVE]}) { totalCount } }")
    ).json()
    assert admin["data"]["products"]["totalCount"] == 3
    del future


async def test_product_reviews_pages_and_hides_unapproved(client, make_store: MakeStore) -> None:
    store, cat, saree, _, _ = await _shop(make_store)
    pid = encode_global_id("Product", saree.id)

    one = await persisted(client, store.storefront, "ProductReviews", {"productId": pid, "first": 1})
    after = one["productReviews"]["pageInfo"]["endCursor"]
    two = await persisted(
        client, store.storefront, "ProductReviews", {"productId": pid, "first": 1, "after": after}
    )

    assert one["productReviews"]["pageInfo"]["hasNextPage"] is True
    assert two["productReviews"]["pageInfo"]["hasNextPage"] is False
    ratings = [e["node"]["rating"] for r in (one, two) for e in r["productReviews"]["edges"]]
    assert sorted(ratings) == [3, 5]
    del cat
