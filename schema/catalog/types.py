"""The catalog's GraphQL object types, shared by storefront queries and admin mutation payloads.

Each type is built from its ORM row by `from_model`; relations (variants, media, brand, category, prices,
translations) are resolved through per-request loaders so a page of N products costs a constant number of
statements. The taxonomy's types are in `schema.catalog.taxonomy_types` and re-exported here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from domain.catalog import models
from domain.pricing.engine import PriceResult
from resolvers.catalog import queries as q
from resolvers.catalog.scope import CatalogScope, catalog_scope, scope_now
from resolvers.ready import then
from schema.catalog.taxonomy_types import (
    JSON,
    Attribute,
    AttributeKind,
    Brand,
    Category,
    Collection,
    CollectionKind,
    Info,
    Money,
    ProductStatus,
    ProductType,
    ReviewStatus,
    category_or_none,
    localized,
    node_uuids,
)
from schema.relay_utils import connection


@strawberry.type(description="A product's value(s) of one attribute; `values` are the strings facets use.")
class ProductAttribute:
    attribute: Attribute = strawberry.field(description="The attribute.")
    values: list[str] = strawberry.field(description="Choice codes, or the one value as text.")


@strawberry.type(description="An image of a product or of one of its variants.")
class ProductMedia(relay.Node):
    id: relay.NodeID[str]
    url: str
    alt: str
    width: int | None
    height: int | None
    position: int
    variant_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_model(cls, m: models.ProductMedia) -> ProductMedia:
        return cls(
            id=str(m.id),
            url=m.url,
            alt=m.alt,
            width=m.width,
            height=m.height,
            position=m.position,
            variant_id=m.variant_id,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ProductMedia | None]:
        found = await info.context.loaders.media_by_id.load_many(node_uuids(node_ids))
        visible = await q.products_by_id(
            info.context, info, [f.product_id if f else q.NOTHING for f in found]
        )
        return [cls.from_model(f) if f and p else None for f, p in zip(found, visible, strict=True)]


@strawberry.type(description="An option of a product, e.g. size with its values.")
class ProductOption:
    name: str
    position: int
    values: list[str]

    @classmethod
    def from_model(cls, m: models.ProductOption) -> ProductOption:
        return cls(name=m.name, position=m.position, values=list(m.values or []))


@strawberry.type(description="One option value of a variant.")
class SelectedOption:
    name: str
    value: str


def _money(amount: int | None, currency: str) -> Money | None:
    return None if amount is None else Money(amount=amount, currency=currency)


@strawberry.type(description="A sellable variant of a product (one SKU).")
class ProductVariant(relay.Node):
    id: relay.NodeID[str]
    sku: str
    barcode: str | None
    weight_grams: int | None
    track_inventory: bool
    position: int
    selected_options: list[SelectedOption]
    pk: strawberry.Private[uuid.UUID]
    product_id: strawberry.Private[uuid.UUID]
    base_title: strawberry.Private[str]

    @classmethod
    def from_model(cls, m: models.ProductVariant) -> ProductVariant:
        return cls(
            id=str(m.id),
            pk=m.id,
            sku=m.sku,
            base_title=m.title,
            barcode=m.barcode,
            weight_grams=m.weight_grams,
            track_inventory=m.track_inventory,
            position=m.position,
            selected_options=[SelectedOption(name=k, value=v) for k, v in (m.option_values or {}).items()],
            product_id=m.product_id,
        )

    @strawberry.field(description="Title in the requested locale (e.g. the option values).")
    def title(self, info: Info) -> str:
        return localized(info, "variant", self.pk, "title", self.base_title)

    def _quote(self, info: Info) -> PriceResult | None:
        def pick(scope: CatalogScope) -> PriceResult | None:
            return then(info.context.loaders.quote_by_variant.now((self.pk, scope.currency)), lambda q: q)

        return then(scope_now(info.context, info), pick)

    @strawberry.field(
        description="Price of one unit in the requested currency, from the pricing rules (price lists, "
        "scheduled sales, conversion); null if the variant has none in it. Tax-inclusive or not as the "
        "store enters prices."
    )
    def price(self, info: Info) -> Money | None:
        return then(self._quote(info), lambda q: _money(q.unit.amount, q.unit.currency) if q else None)

    @strawberry.field(description="The price before a discount (struck through), in the requested currency.")
    def compare_at_price(self, info: Info) -> Money | None:
        return then(
            self._quote(info),
            lambda q: _money(q.compare_at.amount, q.compare_at.currency) if q and q.compare_at else None,
        )

    @strawberry.field(description="The price of one unit with tax included.")
    def price_including_tax(self, info: Info) -> Money | None:
        return then(self._quote(info), lambda q: _money(q.tax.unit.gross, q.unit.currency) if q else None)

    @strawberry.field(description="The price of one unit without tax.")
    def price_excluding_tax(self, info: Info) -> Money | None:
        return then(self._quote(info), lambda q: _money(q.tax.unit.net, q.unit.currency) if q else None)

    @strawberry.field(description="Every price of the variant, one per currency.")
    def prices(self, info: Info) -> list[Money]:
        return then(
            info.context.loaders.prices_by_variant.now(self.pk),
            lambda found: [
                Money(amount=p.amount, currency=p.currency) for p in sorted(found, key=lambda p: p.currency)
            ],
        )

    @strawberry.field(description="Whether it can be bought now (free stock, backorder, or not tracked).")
    def available_for_sale(self, info: Info) -> bool:
        return then(info.context.loaders.stock_by_variant.now(self.pk), lambda stock: bool(stock.for_sale))

    @strawberry.field(description="Images of this variant in order.")
    def media(self, info: Info) -> list[ProductMedia]:
        return then(
            info.context.loaders.media_by_product.now(self.product_id),
            lambda found: [ProductMedia.from_model(x) for x in found if x.variant_id == self.pk],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ProductVariant | None]:
        found = await info.context.loaders.variant_by_id.load_many(node_uuids(node_ids))
        visible = await q.products_by_id(
            info.context, info, [f.product_id if f else q.NOTHING for f in found]
        )
        return [cls.from_model(f) if f and p else None for f, p in zip(found, visible, strict=True)]


@strawberry.type(description="The lowest and highest variant price in one currency.")
class PriceRange:
    min: Money = strawberry.field(description="The cheapest variant.")
    max: Money = strawberry.field(description="The dearest variant.")


@strawberry.type(description="Average and count of approved reviews.")
class ProductRating:
    average: float = strawberry.field(description="0 when there are none.")
    count: int = strawberry.field(description="Approved reviews only.")


@strawberry.type(description="A product.")
class Product(relay.Node):
    id: relay.NodeID[str]
    slug: str = strawberry.field(description="URL handle, unique in the store.")
    status: ProductStatus = strawberry.field(description="draft, active or archived.")
    tags: list[str] = strawberry.field(description="Free-form tags.")
    published_at: datetime | None = strawberry.field(description="Visible to storefronts from then on.")
    is_bundle: bool = strawberry.field(description="Sold as one item made of other variants.")
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    pk: strawberry.Private[uuid.UUID]
    brand_id: strawberry.Private[uuid.UUID | None]
    category_id: strawberry.Private[uuid.UUID | None]
    product_type_id: strawberry.Private[uuid.UUID | None]
    base_title: strawberry.Private[str]
    base_description_html: strawberry.Private[str]
    base_seo_title: strawberry.Private[str]
    base_seo_description: strawberry.Private[str]

    @classmethod
    def from_model(cls, m: models.Product) -> Product:
        return cls(
            id=str(m.id),
            pk=m.id,
            base_title=m.title,
            slug=m.slug,
            base_description_html=m.description_html,
            status=m.status,
            base_seo_title=m.seo_title,
            base_seo_description=m.seo_description,
            tags=list(m.tags or []),
            published_at=m.published_at,
            is_bundle=m.is_bundle,
            created_at=m.created_at,
            updated_at=m.updated_at,
            brand_id=m.brand_id,
            category_id=m.category_id,
            product_type_id=m.product_type_id,
        )

    @strawberry.field(description="Title in the requested locale.")
    def title(self, info: Info) -> str:
        return localized(info, "product", self.pk, "title", self.base_title)

    @strawberry.field(description="Description (sanitized HTML) in the requested locale.")
    def description_html(self, info: Info) -> str:
        return localized(info, "product", self.pk, "description_html", self.base_description_html)

    @strawberry.field(description="SEO title in the requested locale.")
    def seo_title(self, info: Info) -> str:
        return localized(info, "product", self.pk, "seo_title", self.base_seo_title)

    @strawberry.field(description="SEO description in the requested locale.")
    def seo_description(self, info: Info) -> str:
        return localized(info, "product", self.pk, "seo_description", self.base_seo_description)

    @strawberry.field(description="Variants in order.")
    def variants(self, info: Info) -> list[ProductVariant]:
        return then(
            info.context.loaders.variants_by_product.now(self.pk),
            lambda found: [ProductVariant.from_model(v) for v in found],
        )

    @strawberry.field(description="Product images (not those of a single variant) in order.")
    def media(self, info: Info) -> list[ProductMedia]:
        return then(
            info.context.loaders.media_by_product.now(self.pk),
            lambda found: [ProductMedia.from_model(x) for x in found if x.variant_id is None],
        )

    @strawberry.field(description="The first product image, for listings.")
    def featured_image(self, info: Info) -> ProductMedia | None:
        def first(found: list[models.ProductMedia]) -> ProductMedia | None:
            image = next((x for x in found if x.variant_id is None), None)
            return ProductMedia.from_model(image) if image else None

        return then(info.context.loaders.media_by_product.now(self.pk), first)

    @strawberry.field(description="Options (e.g. size, colour) with their values, in order.")
    def options(self, info: Info) -> list[ProductOption]:
        return then(
            info.context.loaders.options_by_product.now(self.pk),
            lambda found: [ProductOption.from_model(o) for o in found],
        )

    @strawberry.field(description="Attribute values, by attribute code.")
    def attributes(self, info: Info) -> list[ProductAttribute]:
        return then(
            info.context.loaders.attributes_by_product.now(self.pk),
            lambda found: [
                ProductAttribute(attribute=Attribute.from_model(a.attribute), values=a.values) for a in found
            ],
        )

    @strawberry.field(description="The brand, if any.")
    def brand(self, info: Info) -> Brand | None:
        if self.brand_id is None:
            return None
        return then(
            info.context.loaders.brand_by_id.now(self.brand_id),
            lambda found: Brand.from_model(found) if found else None,
        )

    @strawberry.field(description="The category, if any (its `ancestors` give the breadcrumb).")
    def category(self, info: Info) -> Category | None:
        if self.category_id is None:
            return None
        return then(info.context.loaders.category_by_id.now(self.category_id), category_or_none)

    def _summary(self, info: Info) -> models.ProductSummary | None:
        loader = info.context.loaders.summary_by_product
        return then(scope_now(info.context, info), lambda scope: loader.now((self.pk, scope.locale)))

    @strawberry.field(description="Collections the product is in (manual and rule-based).")
    def collections(self, info: Info) -> list[Collection]:
        def of(summary: models.ProductSummary | None) -> list[Collection]:
            if summary is None:
                return []
            return then(
                info.context.loaders.collection_by_id.now_many(list(summary.collection_ids)),
                lambda found: [Collection.from_model(c) for c in found if c is not None],
            )

        return then(self._summary(info), of)

    @strawberry.field(description="Lowest and highest variant price in the requested currency.")
    def price_range(self, info: Info) -> PriceRange | None:
        def of(found: models.SummaryPrice | None) -> PriceRange | None:
            if found is None:
                return None
            return PriceRange(
                min=Money(amount=found.min_amount, currency=found.currency),
                max=Money(amount=found.max_amount, currency=found.currency),
            )

        loader = info.context.loaders.price_range_by_product
        return then(
            then(scope_now(info.context, info), lambda scope: loader.now((self.pk, scope.currency))), of
        )

    @strawberry.field(description="Whether any variant can be bought now (a bundle: every part).")
    def available_for_sale(self, info: Info) -> bool:
        return then(self._summary(info), lambda summary: bool(summary and summary.in_stock))

    @strawberry.field(description="Average and count of approved reviews.")
    def rating(self, info: Info) -> ProductRating:
        def of(summary: models.ProductSummary | None) -> ProductRating:
            if summary is None:
                return ProductRating(average=0.0, count=0)
            return ProductRating(average=round(summary.rating_avg, 2), count=summary.rating_count)

        return then(self._summary(info), of)

    @strawberry.field(description="Approved reviews, newest first.")
    async def reviews(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[Review]:
        page = await q.product_reviews(info.context, info, self.pk, first=first, after=after)
        return connection(page, Review.from_model)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Product | None]:
        found = await q.products_by_id(info.context, info, node_uuids(node_ids))
        return [cls.from_model(p) if p else None for p in found]


@strawberry.type(description="A customer review of a product.")
class Review(relay.Node):
    id: relay.NodeID[str]
    rating: int
    title: str
    body: str
    author_name: str
    verified_purchase: bool
    status: ReviewStatus
    created_at: datetime
    moderated_at: datetime | None
    product_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_model(cls, m: models.Review) -> Review:
        return cls(
            id=str(m.id),
            rating=m.rating,
            title=m.title,
            body=m.body,
            author_name=m.author_name,
            verified_purchase=m.verified_purchase,
            status=m.status,
            created_at=m.created_at,
            moderated_at=m.moderated_at,
            product_id=m.product_id,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Review | None]:
        found = await info.context.loaders.review_by_id.load_many(node_uuids(node_ids))
        scope = await catalog_scope(info.context, info)
        return [
            cls.from_model(r)
            if r and (not scope.storefront or r.status is models.ReviewStatus.APPROVED)
            else None
            for r in found
        ]


__all__ = [
    "JSON",
    "Attribute",
    "AttributeKind",
    "Brand",
    "Category",
    "Collection",
    "CollectionKind",
    "Info",
    "Money",
    "PriceRange",
    "Product",
    "ProductAttribute",
    "ProductMedia",
    "ProductOption",
    "ProductRating",
    "ProductStatus",
    "ProductType",
    "ProductVariant",
    "Review",
    "ReviewStatus",
    "SelectedOption",
]
