"""The catalog's taxonomy as GraphQL types (brands, categories, collections, attributes, product types) and
the money and enum types every catalog type shares. Products are in `schema.catalog.types`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, cast

import strawberry
from strawberry import relay

from domain.catalog import models
from domain.catalog.search import ProductSort
from resolvers.catalog import queries as q
from resolvers.context import Context
from resolvers.ready import then

if TYPE_CHECKING:
    from schema.catalog.listing import ProductConnection, ProductFilterInput


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
strawberry.enum(ProductSort, name="ProductSortKey", description="How to order products.")


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


def node_uuids(node_ids: Iterable[str]) -> list[uuid.UUID]:
    out = []
    for raw in node_ids:
        try:
            out.append(uuid.UUID(str(raw)))
        except ValueError:
            out.append(q.NOTHING)
    return out


# Fields below are synchronous where the value is usually at hand (primed by a prefetch): they return it,
# or an awaitable of it otherwise (resolvers.ready).


def localized(info: Info, entity_type: str, entity_id: uuid.UUID, field_name: str, base: str) -> str:
    return q.translated(info.context, info, entity_type, entity_id, field_name, base)


@strawberry.type(description="A brand (vendor).")
class Brand(relay.Node):
    id: relay.NodeID[str]
    slug: str = strawberry.field(description="URL handle, unique in the store.")
    logo_url: str | None = strawberry.field(description="Logo image URL.")
    pk: strawberry.Private[uuid.UUID]
    base_name: strawberry.Private[str]
    base_description: strawberry.Private[str]

    @classmethod
    def from_model(cls, m: models.Brand) -> Brand:
        return cls(
            id=str(m.id),
            pk=m.id,
            slug=m.slug,
            logo_url=m.logo_url,
            base_name=m.name,
            base_description=m.description,
        )

    @strawberry.field(description="Name in the requested locale.")
    def name(self, info: Info) -> str:
        return localized(info, "brand", self.pk, "name", self.base_name)

    @strawberry.field(description="Description in the requested locale.")
    def description(self, info: Info) -> str:
        return localized(info, "brand", self.pk, "description", self.base_description)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Brand | None]:
        found = await info.context.loaders.brand_by_id.load_many(node_uuids(node_ids))
        return [cls.from_model(b) if b else None for b in found]


@strawberry.type(description="A node of the category tree.")
class Category(relay.Node):
    id: relay.NodeID[str]
    slug: str = strawberry.field(description="URL handle, unique in the store.")
    position: int = strawberry.field(description="Order among its siblings.")
    depth: int = strawberry.field(description="0 for a root.")
    pk: strawberry.Private[uuid.UUID]
    parent_id: strawberry.Private[uuid.UUID | None]
    path: strawberry.Private[str]
    base_name: strawberry.Private[str]
    base_description: strawberry.Private[str]

    @classmethod
    def from_model(cls, m: models.Category) -> Category:
        return cls(
            id=str(m.id),
            pk=m.id,
            base_name=m.name,
            slug=m.slug,
            base_description=m.description,
            position=m.position,
            depth=m.depth,
            parent_id=m.parent_id,
            path=m.path,
        )

    @strawberry.field(description="Name in the requested locale.")
    def name(self, info: Info) -> str:
        return localized(info, "category", self.pk, "name", self.base_name)

    @strawberry.field(description="Description in the requested locale.")
    def description(self, info: Info) -> str:
        return localized(info, "category", self.pk, "description", self.base_description)

    @strawberry.field(description="The parent category, null for a root.")
    def parent(self, info: Info) -> Category | None:
        if self.parent_id is None:
            return None
        return then(info.context.loaders.category_by_id.now(self.parent_id), category_or_none)

    @strawberry.field(description="Sub-categories in order.")
    async def children(self, info: Info) -> list[Category]:
        return [Category.from_model(c) for c in await q.children(info.context, self.pk)]

    @strawberry.field(description="The breadcrumb: every category from the root down to this one, inclusive.")
    def ancestors(self, info: Info) -> list[Category]:
        ids = [uuid.UUID(x) for x in self.path.strip("/").split("/") if x]
        found = info.context.loaders.category_by_id.now_many(ids)
        return then(found, lambda cs: [Category.from_model(c) for c in cs if c is not None])

    @strawberry.field(description="Products of this category and every category below it.")
    async def products(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: Annotated[ProductFilterInput, strawberry.lazy("schema.catalog.listing")] | None = None,
        sort: ProductSort | None = None,
    ) -> Annotated[ProductConnection, strawberry.lazy("schema.catalog.listing")]:
        from schema.catalog.listing import list_connection

        return await list_connection(info, first, after, filter, sort, None, category=self.id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Category | None]:
        found = await info.context.loaders.category_by_id.load_many(node_uuids(node_ids))
        return [cls.from_model(c) if c else None for c in found]


@strawberry.type(description="A curated (manual) or rule-based set of products.")
class Collection(relay.Node):
    id: relay.NodeID[str]
    slug: str = strawberry.field(description="URL handle, unique in the store.")
    kind: CollectionKind = strawberry.field(description="Manual or rule-based.")
    rules: JSON = strawberry.field(description="For rule-based collections: the rule as stored.")
    pk: strawberry.Private[uuid.UUID]
    base_name: strawberry.Private[str]
    base_description: strawberry.Private[str]

    @classmethod
    def from_model(cls, m: models.Collection) -> Collection:
        return cls(
            id=str(m.id),
            pk=m.id,
            base_name=m.name,
            slug=m.slug,
            base_description=m.description,
            kind=m.kind,
            rules=cast(JSON, m.rules or {}),
        )

    @strawberry.field(description="Name in the requested locale.")
    def name(self, info: Info) -> str:
        return localized(info, "collection", self.pk, "name", self.base_name)

    @strawberry.field(description="Description in the requested locale.")
    def description(self, info: Info) -> str:
        return localized(info, "collection", self.pk, "description", self.base_description)

    @strawberry.field(description="Products of the collection, with the same filters and sorts as products.")
    async def products(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: Annotated[ProductFilterInput, strawberry.lazy("schema.catalog.listing")] | None = None,
        sort: ProductSort | None = None,
    ) -> Annotated[ProductConnection, strawberry.lazy("schema.catalog.listing")]:
        from schema.catalog.listing import list_connection

        return await list_connection(info, first, after, filter, sort, None, collection=self.id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Collection | None]:
        found = await info.context.loaders.collection_by_id.load_many(node_uuids(node_ids))
        return [cls.from_model(c) if c else None for c in found]


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


def category_or_none(found: models.Category | None) -> Category | None:
    return Category.from_model(found) if found else None
