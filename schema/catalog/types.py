"""The catalog's GraphQL object types, shared by storefront queries and admin mutation payloads.

Each type is built from its ORM row by `from_model`; relations (variants, media, brand, category, prices,
translations) are resolved through per-request loaders so a page of N products costs a constant number of
statements.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import cast

import strawberry
from strawberry import relay

from domain.catalog import models
from resolvers.context import Context

Info = strawberry.Info[Context, None]
JSON = strawberry.scalars.JSON

strawberry.enum(models.ProductStatus, name="ProductStatus", description="Product visibility.")
strawberry.enum(models.AttributeKind, name="AttributeKind", description="Value type.")
strawberry.enum(models.CollectionKind, name="CollectionKind", description="Manual or rule-based.")
strawberry.enum(models.ReviewStatus, name="ReviewStatus", description="Moderation state.")


ProductStatus = models.ProductStatus
AttributeKind = models.AttributeKind
CollectionKind = models.CollectionKind
ReviewStatus = models.ReviewStatus


@strawberry.type(description="An amount of money in minor units (poisha for BDT) with its currency.")
class Money:
    amount: int = strawberry.field(description="Integer minor units.")
    currency: str = strawberry.field(description="ISO 4217 code.")


@strawberry.type(description="A kind of product (e.g. T-shirt), for admin grouping.")
class ProductType(relay.Node):
    id: relay.NodeID[str]
    name: str

    @classmethod
    def from_model(cls, m: models.ProductType) -> ProductType:
        return cls(id=str(m.id), name=m.name)


@strawberry.type(description="A brand (vendor).")
class Brand(relay.Node):
    id: relay.NodeID[str]
    name: str
    slug: str
    description: str
    logo_url: str | None

    @classmethod
    def from_model(cls, m: models.Brand) -> Brand:
        return cls(id=str(m.id), name=m.name, slug=m.slug, description=m.description, logo_url=m.logo_url)


@strawberry.type(description="A node of the category tree.")
class Category(relay.Node):
    id: relay.NodeID[str]
    name: str
    slug: str
    description: str
    position: int
    depth: int
    parent_id: strawberry.Private[uuid.UUID | None]
    path: strawberry.Private[str]

    @classmethod
    def from_model(cls, m: models.Category) -> Category:
        return cls(
            id=str(m.id),
            name=m.name,
            slug=m.slug,
            description=m.description,
            position=m.position,
            depth=m.depth,
            parent_id=m.parent_id,
            path=m.path,
        )


@strawberry.type(description="A curated (manual) or rule-based set of products.")
class Collection(relay.Node):
    id: relay.NodeID[str]
    name: str
    slug: str
    description: str
    kind: CollectionKind
    rules: JSON

    @classmethod
    def from_model(cls, m: models.Collection) -> Collection:
        return cls(
            id=str(m.id),
            name=m.name,
            slug=m.slug,
            description=m.description,
            kind=m.kind,
            rules=cast(JSON, m.rules or {}),
        )


@strawberry.type(description="A typed attribute usable as a filter.")
class Attribute(relay.Node):
    id: relay.NodeID[str]
    code: str
    name: str
    kind: AttributeKind
    filterable: bool
    choices: JSON

    @classmethod
    def from_model(cls, m: models.Attribute) -> Attribute:
        return cls(
            id=str(m.id),
            code=m.code,
            name=m.name,
            kind=m.kind,
            filterable=m.filterable,
            choices=cast(JSON, list(m.choices or [])),
        )


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


@strawberry.type(description="A sellable variant of a product (one SKU).")
class ProductVariant(relay.Node):
    id: relay.NodeID[str]
    sku: str
    title: str
    barcode: str | None
    weight_grams: int | None
    track_inventory: bool
    position: int
    selected_options: list[SelectedOption]
    product_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_model(cls, m: models.ProductVariant) -> ProductVariant:
        return cls(
            id=str(m.id),
            sku=m.sku,
            title=m.title,
            barcode=m.barcode,
            weight_grams=m.weight_grams,
            track_inventory=m.track_inventory,
            position=m.position,
            selected_options=[SelectedOption(name=k, value=v) for k, v in (m.option_values or {}).items()],
            product_id=m.product_id,
        )


@strawberry.type(description="A product.")
class Product(relay.Node):
    id: relay.NodeID[str]
    title: str
    slug: str
    description_html: str
    status: ProductStatus
    seo_title: str
    seo_description: str
    tags: list[str]
    published_at: datetime | None
    is_bundle: bool
    created_at: datetime
    updated_at: datetime
    brand_id: strawberry.Private[uuid.UUID | None]
    category_id: strawberry.Private[uuid.UUID | None]
    product_type_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_model(cls, m: models.Product) -> Product:
        return cls(
            id=str(m.id),
            title=m.title,
            slug=m.slug,
            description_html=m.description_html,
            status=m.status,
            seo_title=m.seo_title,
            seo_description=m.seo_description,
            tags=list(m.tags or []),
            published_at=m.published_at,
            is_bundle=m.is_bundle,
            created_at=m.created_at,
            updated_at=m.updated_at,
            brand_id=m.brand_id,
            category_id=m.category_id,
            product_type_id=m.product_type_id,
        )


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


__all__ = [
    "Attribute",
    "Brand",
    "Category",
    "Collection",
    "Money",
    "Product",
    "ProductMedia",
    "ProductOption",
    "ProductType",
    "ProductVariant",
    "Review",
    "SelectedOption",
]
