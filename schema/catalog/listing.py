"""Product listings as GraphQL sees them: the filter input, the connection with its total and facets."""

from __future__ import annotations

import uuid

import strawberry
from strawberry import relay

from domain.catalog import search
from resolvers.catalog import queries as q
from resolvers.catalog.queries import ListingArgs
from resolvers.ids import encode_global_id
from schema.catalog.selection import connection_wants, selects
from schema.catalog.types import Brand, Category, Info, Money, Product, ProductStatus


@strawberry.input(description="A price range in the requested currency, minor units, both ends included.")
class PriceFilterInput:
    min: int | None = strawberry.field(default=None, description="Lowest price.")
    max: int | None = strawberry.field(default=None, description="Highest price.")


@strawberry.input(description="Which products to list; every given condition must hold.")
class ProductFilterInput:
    category: strawberry.ID | None = strawberry.field(
        default=None, description="A category id: products in it or any category below it."
    )
    brands: list[strawberry.ID] | None = strawberry.field(default=None, description="Any of these brands.")
    collection: strawberry.ID | None = strawberry.field(default=None, description="A collection id.")
    attributes: list[str] | None = strawberry.field(
        default=None,
        description=(
            'Attribute values as "code:value" (e.g. "colour:red"): any value of one code, all codes.'
        ),
    )
    price: PriceFilterInput | None = strawberry.field(default=None, description="Price range.")
    in_stock: bool | None = strawberry.field(default=None, description="Only products for sale now (or not).")
    status: list[ProductStatus] | None = strawberry.field(
        default=None, description="Admin tokens only: these statuses instead of active and published."
    )


@strawberry.type(description="A product in a listing, with its cursor.")
class ProductEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the page after this product.")
    node: Product = strawberry.field(description="The product.")


@strawberry.type(description="How many products of the current filter have this brand.")
class BrandFacet:
    brand: Brand = strawberry.field(description="The brand.")
    count: int = strawberry.field(description="Products.")


@strawberry.type(description="How many products of the current filter are in this category or below it.")
class CategoryFacet:
    category: Category = strawberry.field(description="The category.")
    count: int = strawberry.field(description="Products.")


@strawberry.type(description="How many products of the current filter have this attribute value.")
class AttributeFacet:
    code: str = strawberry.field(description="Attribute code.")
    value: str = strawberry.field(description='Value; filter with "code:value".')
    count: int = strawberry.field(description="Products.")


@strawberry.type(
    description="How many products of the current filter cost from min up to (not including) max."
)
class PriceFacet:
    min: Money = strawberry.field(description="Lower bound, included.")
    max: Money | None = strawberry.field(description="Upper bound, excluded; null for the last bucket.")
    count: int = strawberry.field(description="Products.")


@strawberry.type(
    description=(
        "Facet counts. Each dimension applies every filter but its own, so other choices stay visible."
    )
)
class ProductFacets:
    brands: list[BrandFacet] = strawberry.field(description="Per brand, most products first.")
    categories: list[CategoryFacet] = strawberry.field(description="Per category (ancestors included).")
    attributes: list[AttributeFacet] = strawberry.field(description="Per attribute value, by code.")
    prices: list[PriceFacet] = strawberry.field(description="Price buckets in the requested currency.")


@strawberry.type(description="A page of products.")
class ProductConnection:
    edges: list[ProductEdge] = strawberry.field(description="Products with cursors.")
    page_info: relay.PageInfo = strawberry.field(description="Where this page is.")
    total_count: int = strawberry.field(description="Products matching the filter, on every page.")
    listing: strawberry.Private[search.Listing]
    # The facets read with the page when the document selects them; None means read them on demand.
    read_facets: strawberry.Private[q.FacetResult | None] = None

    @strawberry.field(description="The products of this page.")
    def nodes(self) -> list[Product]:
        return [e.node for e in self.edges]

    @strawberry.field(description="Facet counts for the current filter (whatever the page).")
    async def facets(self, info: Info) -> ProductFacets:
        result = self.read_facets or await q.facets(info.context, self.listing)
        f = result.counts
        currency = self.listing.currency
        return ProductFacets(
            brands=[
                BrandFacet(brand=Brand.from_model(result.brands[b]), count=n)
                for b, n in f.brands
                if b in result.brands
            ],
            categories=[
                CategoryFacet(category=Category.from_model(result.categories[c]), count=n)
                for c, n in f.categories
                if c in result.categories
            ],
            attributes=[AttributeFacet(code=c, value=v, count=n) for c, v, n in f.attributes],
            prices=[
                PriceFacet(
                    min=Money(amount=p.min_amount, currency=currency),
                    max=Money(amount=p.max_amount, currency=currency) if p.max_amount is not None else None,
                    count=p.count,
                )
                for p in f.prices
            ],
        )


def listing_args(
    filter: ProductFilterInput | None,
    sort: search.ProductSort | None,
    query: str | None,
    *,
    category: str | None = None,
    collection: str | None = None,
) -> ListingArgs:
    f = filter or ProductFilterInput()
    return ListingArgs(
        category_id=encode_global_id("Category", _uuid(category)) if category else f.category,
        brand_ids=list(f.brands or []),
        collection_id=encode_global_id("Collection", _uuid(collection)) if collection else f.collection,
        attributes=list(f.attributes or []),
        price_min=f.price.min if f.price else None,
        price_max=f.price.max if f.price else None,
        in_stock=f.in_stock,
        statuses=list(f.status) if f.status else None,
        sort=sort,
        query=query,
    )


def _uuid(raw: str) -> uuid.UUID:
    return uuid.UUID(raw)


async def list_connection(
    info: Info,
    first: int | None,
    after: str | None,
    filter: ProductFilterInput | None,
    sort: search.ProductSort | None,
    query: str | None,
    *,
    category: str | None = None,
    collection: str | None = None,
) -> ProductConnection:
    args = listing_args(filter, sort, query, category=category, collection=collection)
    page = await q.list_products(
        info.context,
        info,
        args,
        first=first,
        after=after,
        wants=connection_wants(info),
        with_facets=selects(info, "facets"),
    )
    edges = [ProductEdge(cursor=c, node=Product.from_model(p)) for c, p in page.items]
    return ProductConnection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total,
        listing=page.listing,
        read_facets=page.facets,
    )


@strawberry.type(description="A search-as-you-type suggestion.")
class SearchSuggestion:
    product_id: strawberry.ID = strawberry.field(description="The product's global id.")
    title: str = strawberry.field(description="Title in the requested locale.")
    slug: str = strawberry.field(description="URL handle of the product page.")
    image_url: str | None = strawberry.field(description="The product's first image.")

    @classmethod
    def from_domain(cls, s: search.Suggestion) -> SearchSuggestion:
        return cls(
            product_id=strawberry.ID(encode_global_id("Product", s.product_id)),
            title=s.title,
            slug=s.slug,
            image_url=s.image_url,
        )
