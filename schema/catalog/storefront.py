"""The catalog's read fields: what storefronts build product, listing, search and category pages from.

Storefront tokens only ever see active, published products; admin tokens may list other statuses.
Text comes in the requested locale and prices in the requested currency: see `@inContext`.
"""

from __future__ import annotations

import uuid

import strawberry
from graphql import DirectiveLocation
from strawberry import relay

from domain.catalog.search import ProductSort
from resolvers.catalog import queries as q
from resolvers.ids import decode_global_id
from schema.catalog.listing import (
    ProductConnection,
    ProductFilterInput,
    SearchSuggestion,
    list_connection,
)
from schema.catalog.selection import product_wants
from schema.catalog.types import Brand, Category, Collection, Info, Product, Review
from schema.relay_utils import connection


@strawberry.directive(
    locations=[DirectiveLocation.QUERY],
    name="inContext",
    description=(
        "The locale and currency the operation reads the catalog in (Shopify's @inContext). Wins over the "
        "Accept-Language and X-Currency headers; anything the store does not support falls back to its "
        "default."
    ),
)
def in_context(locale: str | None = None, currency: str | None = None) -> None:
    """Read by the catalog resolvers from the operation; graphql-core never calls it."""


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="A product by global id or by slug; null if there is none visible.")
    async def product(
        self, info: Info, id: strawberry.ID | None = None, slug: str | None = None
    ) -> Product | None:
        found = await q.product(info.context, info, id=id, slug=slug, wants=product_wants(info))
        return Product.from_model(found) if found else None

    @strawberry.field(description="Products, filtered and sorted, with facets and a total count.")
    async def products(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: ProductFilterInput | None = None,
        sort: ProductSort | None = None,
        query: str | None = None,
    ) -> ProductConnection:
        return await list_connection(info, first, after, filter, sort, query)

    @strawberry.field(
        description="Full-text and typo-tolerant search over titles, SKUs, brands and tags; by relevance."
    )
    async def search(
        self,
        info: Info,
        query: str,
        first: int | None = None,
        after: str | None = None,
        filter: ProductFilterInput | None = None,
        sort: ProductSort | None = None,
    ) -> ProductConnection:
        return await list_connection(info, first, after, filter, sort or ProductSort.RELEVANCE, query)

    @strawberry.field(
        description="Search-as-you-type: a handful of products whose titles fit what was typed."
    )
    async def search_suggestions(
        self, info: Info, query: str, first: int | None = 5
    ) -> list[SearchSuggestion]:
        return [
            SearchSuggestion.from_domain(s) for s in await q.suggestions(info.context, info, query, first)
        ]

    @strawberry.field(description="The root categories in order; `children` walks the tree.")
    async def categories(self, info: Info) -> list[Category]:
        return [Category.from_model(c) for c in await q.root_categories(info.context)]

    @strawberry.field(description="A category by slug.")
    async def category(self, info: Info, slug: str) -> Category | None:
        found = await q.category_by_slug(info.context, slug)
        return Category.from_model(found) if found else None

    @strawberry.field(description="Every collection, by name.")
    async def collections(self, info: Info) -> list[Collection]:
        return [Collection.from_model(c) for c in await q.collections(info.context)]

    @strawberry.field(description="A collection by slug; its `products` lists them.")
    async def collection(self, info: Info, slug: str) -> Collection | None:
        found = await q.collection_by_slug(info.context, slug)
        return Collection.from_model(found) if found else None

    @strawberry.field(description="Every brand, by name.")
    async def brands(self, info: Info) -> list[Brand]:
        return [Brand.from_model(b) for b in await q.brands(info.context)]

    @strawberry.field(description="A brand by slug.")
    async def brand(self, info: Info, slug: str) -> Brand | None:
        found = await q.brand_by_slug(info.context, slug)
        return Brand.from_model(found) if found else None

    @strawberry.field(description="Approved reviews of a product, newest first.")
    async def product_reviews(
        self, info: Info, product_id: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> relay.Connection[Review]:
        pid = decode_global_id(product_id, "Product") or uuid.UUID(int=0)
        page = await q.product_reviews(info.context, info, pid, first=first, after=after)
        return connection(page, Review.from_model)
