"""A products page costs the same few statements whatever its size: every relation is one batch."""

import httpx
import pytest

from gateway.app import create_app
from resolvers.ids import encode_global_id
from tests.fixtures.catalog import Catalog, VariantSpec, persisted
from tests.fixtures.database import statements
from tests.fixtures.tenancy import MakeStore, gql

PAGE = """
query Page($first: Int!) {
  products(first: $first, sort: TITLE) {
    totalCount
    edges { node {
      id title slug availableForSale
      priceRange { min { amount currency } max { amount currency } }
      brand { id name } category { id name ancestors { id name } }
      media { url alt } featuredImage { url }
      variants { id sku title price { amount currency } compareAtPrice { amount } availableForSale }
    } }
  }
}
"""


@pytest.fixture
async def roomy_client(settings):
    # A 100-product page is above the default cost limit for raw admin documents: raise it for this test.
    app = create_app(settings.model_copy(update={"max_cost": 100_000, "cost_bucket_size": 1_000_000}))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        yield c, app
    await app.state.gateway.db.dispose()
    await app.state.gateway.redis.aclose()


async def test_statement_count_is_the_same_for_10_and_100_products(
    roomy_client, make_store: MakeStore
) -> None:
    client, app = roomy_client
    store = await make_store()
    cat = Catalog(store)
    brands = [await cat.brand(f"Brand {i}") for i in range(3)]
    root = await cat.category("Root")
    leaves = [await cat.category(f"Leaf {i}", root) for i in range(3)]
    for i in range(100):
        await cat.product(
            f"Product {i:03}",
            brand=brands[i % 3],
            category=leaves[i % 3],
            images=2,
            variants=[VariantSpec(f"P{i}-{j}", {"BDT": 1000 + i + j}, on_hand=j) for j in range(3)],
            refresh=False,
        )
    async with store.uow() as uow:
        from sqlalchemy import select

        from domain.catalog.models import Product
        from domain.catalog.read_model import refresh_products

        ids = list((await uow.session.scalars(select(Product.id))).all())
        await refresh_products(uow, ids)
        await uow.commit()

    engine = app.state.gateway.db.primary
    brand_ids = [encode_global_id("Brand", b.id) for b in brands]
    counts = {}
    for first in (10, 100):
        await gql(client, store.admin, "{ shop { name } }")  # authenticate once so token lookups are warm
        with statements(engine) as counter:
            res = (await gql(client, store.admin, PAGE, {"first": first})).json()
        assert "errors" not in res, res
        edges = res["data"]["products"]["edges"]
        assert len(edges) == first and all(len(e["node"]["variants"]) == 3 for e in edges)
        counts[first] = len(counter)
    print("statements per page:", counts)
    # The page and every relation it shows are read in the listing's one transaction.
    assert counts[10] == counts[100] <= 13

    # The storefront's own document (20 per page, with facets), on a page of 5 and a page of 20.
    sf = {}
    for name, variables in (
        ("small", {"filter": {"brands": [brand_ids[0]], "price": {"max": 1012}}}),
        ("full", {}),
    ):
        await persisted(client, store.storefront, "Shop")
        with statements(engine) as counter:
            data = await persisted(client, store.storefront, "ProductListing", variables)
        sf[name] = (len(data["products"]["edges"]), len(counter))
    print("storefront ProductListing (products, statements):", sf)
    assert sf["small"][0] == 5 and sf["full"][0] == 20
    # Page, total and facets are one statement, in the one transaction that reads the store and the products.
    assert sf["small"][1] == sf["full"][1] <= 16


async def test_product_page_reads_its_relations_in_a_fixed_number_of_statements(
    roomy_client, make_store: MakeStore
) -> None:
    client, app = roomy_client
    store = await make_store()
    cat = Catalog(store)
    brand = await cat.brand("Bata")
    leaf = await cat.category("Boots", await cat.category("Shoes"))
    colour = await cat.attribute("colour")
    for slug, n in (("one", 1), ("many", 6)):
        p = await cat.product(
            slug.title(),
            slug=slug,
            brand=brand,
            category=leaf,
            images=n,
            attributes={colour: ["red"]},
            options={"size": [str(i) for i in range(n)]},
            variants=[VariantSpec(f"{slug}-{i}", {"BDT": 100 + i}, on_hand=i) for i in range(n)],
        )
        await cat.collection(f"Picks {slug}", products=[p])
        await cat.refresh(p.id)

    engine = app.state.gateway.db.primary
    counts = {}
    for slug in ("one", "many"):
        await persisted(client, store.storefront, "Shop")
        with statements(engine) as counter:
            data = await persisted(client, store.storefront, "ProductPage", {"slug": slug})
        assert data["product"]["slug"] == slug and data["product"]["collections"]
        counts[slug] = len(counter)
    print("storefront ProductPage statements:", counts)
    # Everything but the reviews (paged by an argument) comes with the product in one transaction.
    assert counts["one"] == counts["many"] <= 19
