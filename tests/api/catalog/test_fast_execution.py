"""The fast execution context (schema/execution.py) answers exactly as Strawberry's own: the same documents,
run through the gateway with each, give byte-identical bodies (data, nulls and errors alike)."""

import copy
import json
from typing import Any

import httpx
import pytest
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from domain.catalog.models import ReviewStatus
from resolvers.ids import encode_global_id
from schema.execution import _PLANS, FastExecutionContext, _Method, _Plain
from tests.fixtures.catalog import Catalog, VariantSpec, document
from tests.fixtures.tenancy import GQL_RESPONSE, MakeStore

ADMIN_PRODUCTS = """
query {
  products(first: 10, sort: TITLE, filter: {status: [ACTIVE, DRAFT]}) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes {
      __typename id title slug status tags publishedAt isBundle createdAt updatedAt descriptionHtml
      seoTitle seoDescription availableForSale
      rating { average count }
      priceRange { min { amount currency } max { amount currency } }
      brand { id name slug } category { id name slug depth ancestors { id name } }
      options { name position values }
      attributes { attribute { code name kind filterable } values }
      media { id url alt width height position }
      featuredImage { url }
      collections { id name slug }
      variants {
        id sku barcode weightGrams trackInventory position title
        selectedOptions { name value }
        price { amount currency } compareAtPrice { amount }
        priceIncludingTax { amount } priceExcludingTax { amount }
        prices { amount currency } availableForSale media { url }
      }
      reviews(first: 2) { edges { cursor node { id rating title body authorName status } } }
    }
  }
}
"""

RAW = [
    ADMIN_PRODUCTS,
    "{ __typename shop { name } }",
    '{ product(slug: "nothing-here") { id title } }',
    "{ product { id } }",  # an error in a field: the same message and path
    '{ a: product(slug: "fan") { title } b: product(slug: "fan") { slug title } }',
    "{ categories { id name slug position depth children { id name children { id name } } } }",
    "{ brands { id name slug } collections { id name slug kind } }",
    '{ __type(name: "ProductVariant") { name fields { name type { name kind } } } }',
    '{ searchSuggestions(query: "wal") { productId title slug imageUrl } }',
]


@pytest.fixture
async def catalog(make_store: MakeStore) -> Any:
    store = await make_store("a", "BDT", ("en", "bn"))
    cat = Catalog(store)
    walton = await cat.brand("Walton")
    home = await cat.category("Home", position=1)
    cooling = await cat.category("Cooling", home)
    colour = await cat.attribute("colour")
    fan = await cat.product(
        "Walton Ceiling Fan",
        slug="fan",
        brand=walton,
        category=cooling,
        images=2,
        attributes={colour: ["white"]},
        options={"size": ["48", "56"]},
        tags=["eid"],
        variants=[
            VariantSpec("WCF-48", {"BDT": 350000}, on_hand=0),
            VariantSpec("WCF-56", {"BDT": 420000}, on_hand=3, track_inventory=False),
        ],
        translations={"bn": {"title": "ওয়ালটন সিলিং ফ্যান"}},
    )
    juice = await cat.product("Pran Mango Juice", slug="juice", category=home, images=0)
    await cat.review(fan, 5, ReviewStatus.APPROVED)
    await cat.review(fan, 2, ReviewStatus.PENDING)
    await cat.collection("Summer", products=[fan, juice])
    await cat.refresh(fan.id, juice.id)
    return store, fan


async def _bodies(client: httpx.AsyncClient, store: Any, fan: Any) -> list[bytes]:
    fan_id = encode_global_id("Product", fan.id)
    persisted: list[tuple[str, dict[str, Any]]] = [
        ("ProductListing", {}),
        ("ProductListing", {"sort": "PRICE_DESC", "locale": "bn"}),
        ("ProductListing", {"filter": {"attributes": ["colour:white"], "inStock": True}}),
        ("ProductPage", {"slug": "fan"}),
        ("ProductPage", {"slug": "fan", "locale": "bn"}),
        ("ProductPage", {"slug": "missing"}),
        ("Search", {"query": "walton"}),
        ("CategoryPage", {"slug": "home"}),
        ("CategoryTree", {}),
        ("CollectionPage", {"slug": "summer"}),
        ("ProductReviews", {"productId": fan_id}),
        ("SearchSuggestions", {"query": "pran"}),
    ]
    out = []
    for name, variables in persisted:
        body = {
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": document(name)}},
            "variables": variables,
        }
        headers = {"accept": GQL_RESPONSE, "authorization": f"Bearer {store.storefront}"}
        out.append((await client.post("/graphql", json=body, headers=headers)).content)
    for query in RAW:
        headers = {"accept": GQL_RESPONSE, "authorization": f"Bearer {store.admin}"}
        out.append((await client.post("/graphql", json={"query": query}, headers=headers)).content)
    return out


async def test_answers_are_byte_identical_to_strawberrys_executor(app, client, catalog) -> None:
    store, fan = catalog
    state = app.state.gateway
    assert state.schema.execution_context_class is FastExecutionContext
    fast = await _bodies(client, store, fan)

    reference = copy.copy(state.schema)
    reference.execution_context_class = StrawberryGraphQLCoreExecutionContext
    state.schema = reference
    slow = await _bodies(client, store, fan)

    assert len(fast) == len(RAW) + 12
    # Storefront answers byte for byte; admin answers but for the cost bucket's level, which moved.
    assert fast[:12] == slow[:12]
    for f, s in zip(fast[12:], slow[12:], strict=True):
        fj, sj = json.loads(f), json.loads(s)
        fj.get("extensions", {}).get("cost", {}).pop("throttleStatus", None)
        sj.get("extensions", {}).get("cost", {}).pop("throttleStatus", None)
        assert fj == sj
    # Both direct paths ran, and the documents did exercise data, nulls and errors.
    plans = [plan for _, plan in _PLANS.values()]
    assert any(isinstance(p, _Plain) for p in plans) and any(isinstance(p, _Method) for p in plans)
    assert b'"WCF-56"' in fast[0] and b'"product":null' in fast[5] and b'"errors"' in fast[12 + 3]
