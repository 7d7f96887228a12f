"""Admin mutations of the catalog's products, variants, options, bundles, attributes, images, brands,
product types, prices and stock. Each needs `catalog:write`; expected failures come back in `errors`."""

from __future__ import annotations

import uuid
from typing import Any

import strawberry

from domain.catalog import models
from domain.catalog.errors import CatalogErrorCode
from resolvers.catalog.attribute_create import attribute_create
from resolvers.catalog.attribute_delete import attribute_delete
from resolvers.catalog.attribute_update import attribute_update
from resolvers.catalog.brand_create import brand_create
from resolvers.catalog.brand_delete import brand_delete
from resolvers.catalog.brand_update import brand_update
from resolvers.catalog.media_create import media_create
from resolvers.catalog.media_delete import media_delete
from resolvers.catalog.media_reorder import media_reorder
from resolvers.catalog.media_update import media_update
from resolvers.catalog.product_attribute_values_set import product_attribute_values_set
from resolvers.catalog.product_bundle_items_set import product_bundle_items_set
from resolvers.catalog.product_create import product_create
from resolvers.catalog.product_delete import product_delete
from resolvers.catalog.product_options_set import product_options_set
from resolvers.catalog.product_type_create import product_type_create
from resolvers.catalog.product_type_delete import product_type_delete
from resolvers.catalog.product_type_update import product_type_update
from resolvers.catalog.product_update import product_update
from resolvers.catalog.variant_create import variant_create
from resolvers.catalog.variant_delete import variant_delete
from resolvers.catalog.variant_prices_set import variant_prices_set
from resolvers.catalog.variant_stock_set import variant_stock_set
from resolvers.catalog.variant_update import variant_update
from resolvers.context import Context
from resolvers.errors import Outcome
from resolvers.ids import encode_global_id
from schema.catalog import admin_inputs as inp
from schema.catalog import admin_payloads as out
from schema.catalog.types import (
    Attribute,
    Brand,
    Product,
    ProductMedia,
    ProductOption,
    ProductType,
    ProductVariant,
)
from schema.errors import CatalogError, convert
from schema.permissions import requires

Info = strawberry.Info[Context, None]
WRITE = "catalog:write"


def _errors(outcome: Outcome[Any]) -> list[CatalogError]:
    return convert(outcome.errors, CatalogErrorCode, CatalogError)


def _deleted(outcome: Outcome[uuid.UUID], type_name: str) -> out.CatalogDeletePayload:
    deleted = strawberry.ID(encode_global_id(type_name, outcome.result)) if outcome.result else None
    return out.CatalogDeletePayload(deleted_id=deleted, errors=_errors(outcome))


def _product(outcome: Outcome[models.Product]) -> out.ProductPayload:
    return out.ProductPayload(
        product=Product.from_model(outcome.result) if outcome.result else None, errors=_errors(outcome)
    )


@strawberry.type
class CatalogProductMutation:
    @strawberry.mutation(description="Create a product.", extensions=requires(WRITE))
    async def product_create(self, info: Info, input: inp.ProductCreateInput) -> out.ProductPayload:
        res = await product_create(info.context, values=inp.given(input))
        return _product(res)

    @strawberry.mutation(description="Change a product.", extensions=requires(WRITE))
    async def product_update(
        self, info: Info, id: strawberry.ID, input: inp.ProductUpdateInput
    ) -> out.ProductPayload:
        res = await product_update(info.context, id=str(id), changes=inp.given(input))
        return _product(res)

    @strawberry.mutation(
        description="Delete a product with its variants, images and values.", extensions=requires(WRITE)
    )
    async def product_delete(self, info: Info, id: strawberry.ID) -> out.CatalogDeletePayload:
        return _deleted(await product_delete(info.context, id=str(id)), "Product")

    @strawberry.mutation(
        description="Replace a product's options; every variant must still fit them.",
        extensions=requires(WRITE),
    )
    async def product_options_set(
        self, info: Info, product_id: strawberry.ID, options: list[inp.ProductOptionInput]
    ) -> out.ProductOptionsSetPayload:
        res = await product_options_set(info.context, product_id=str(product_id), options=inp.given(options))
        product, rows = res.result or (None, [])
        return out.ProductOptionsSetPayload(
            product=Product.from_model(product) if product else None,
            options=[ProductOption.from_model(r) for r in rows],
            errors=_errors(res),
        )

    @strawberry.mutation(
        description="Make a product a bundle of these variants (an empty list undoes it).",
        extensions=requires(WRITE),
    )
    async def product_bundle_items_set(
        self, info: Info, product_id: strawberry.ID, items: list[inp.BundleItemInput]
    ) -> out.ProductBundleItemsSetPayload:
        res = await product_bundle_items_set(info.context, product_id=str(product_id), items=inp.given(items))
        product, rows = res.result or (None, [])
        return out.ProductBundleItemsSetPayload(
            product=Product.from_model(product) if product else None,
            items=[
                out.BundleComponent(variant=ProductVariant.from_model(v), quantity=i.quantity)
                for v, i in rows
            ],
            errors=_errors(res),
        )

    @strawberry.mutation(description="Create a product type.", extensions=requires(WRITE))
    async def product_type_create(self, info: Info, name: str) -> out.ProductTypePayload:
        res = await product_type_create(info.context, name=name)
        return out.ProductTypePayload(
            product_type=ProductType.from_model(res.result) if res.result else None,
            errors=_errors(res),
        )

    @strawberry.mutation(description="Rename a product type.", extensions=requires(WRITE))
    async def product_type_update(self, info: Info, id: strawberry.ID, name: str) -> out.ProductTypePayload:
        res = await product_type_update(info.context, id=str(id), name=name)
        return out.ProductTypePayload(
            product_type=ProductType.from_model(res.result) if res.result else None,
            errors=_errors(res),
        )

    @strawberry.mutation(
        description="Delete a product type; its products keep existing.", extensions=requires(WRITE)
    )
    async def product_type_delete(self, info: Info, id: strawberry.ID) -> out.CatalogDeletePayload:
        return _deleted(await product_type_delete(info.context, id=str(id)), "ProductType")

    @strawberry.mutation(description="Add a variant to a product.", extensions=requires(WRITE))
    async def product_variant_create(
        self, info: Info, product_id: strawberry.ID, input: inp.ProductVariantCreateInput
    ) -> out.ProductVariantPayload:
        values = inp.variant_values(inp.given(input))
        res = await variant_create(info.context, product_id=str(product_id), values=values)
        return out.ProductVariantPayload(
            variant=ProductVariant.from_model(res.result) if res.result else None,
            errors=_errors(res),
        )

    @strawberry.mutation(description="Change a variant.", extensions=requires(WRITE))
    async def product_variant_update(
        self, info: Info, id: strawberry.ID, input: inp.ProductVariantUpdateInput
    ) -> out.ProductVariantPayload:
        res = await variant_update(info.context, id=str(id), changes=inp.variant_values(inp.given(input)))
        return out.ProductVariantPayload(
            variant=ProductVariant.from_model(res.result) if res.result else None,
            errors=_errors(res),
        )

    @strawberry.mutation(
        description="Delete a variant with its prices, stock and images.", extensions=requires(WRITE)
    )
    async def product_variant_delete(self, info: Info, id: strawberry.ID) -> out.CatalogDeletePayload:
        return _deleted(await variant_delete(info.context, id=str(id)), "ProductVariant")

    @strawberry.mutation(
        description="Set a variant's prices in the given currencies; others stay.", extensions=requires(WRITE)
    )
    async def product_variant_prices_set(
        self, info: Info, variant_id: strawberry.ID, prices: list[inp.VariantPriceInput]
    ) -> out.VariantPricesSetPayload:
        res = await variant_prices_set(info.context, variant_id=str(variant_id), prices=inp.given(prices))
        variant, rows = res.result or (None, [])
        return out.VariantPricesSetPayload(
            variant=ProductVariant.from_model(variant) if variant else None,
            prices=[out.VariantPriceEntry.from_model(r) for r in rows],
            errors=_errors(res),
        )

    @strawberry.mutation(
        description="Set a variant's units on hand at a location.", extensions=requires(WRITE)
    )
    async def product_variant_stock_set(
        self, info: Info, variant_id: strawberry.ID, input: inp.VariantStockInput
    ) -> out.VariantStockSetPayload:
        res = await variant_stock_set(info.context, variant_id=str(variant_id), values=inp.given(input))
        variant, level = res.result or (None, None)
        return out.VariantStockSetPayload(
            variant=ProductVariant.from_model(variant) if variant else None,
            stock=out.VariantStockEntry.from_model(level) if level else None,
            errors=_errors(res),
        )

    @strawberry.mutation(description="Define an attribute.", extensions=requires(WRITE))
    async def attribute_create(self, info: Info, input: inp.AttributeCreateInput) -> out.AttributePayload:
        res = await attribute_create(info.context, values=inp.given(input))
        return out.AttributePayload(
            attribute=Attribute.from_model(res.result) if res.result else None,
            errors=_errors(res),
        )

    @strawberry.mutation(description="Change an attribute.", extensions=requires(WRITE))
    async def attribute_update(
        self, info: Info, id: strawberry.ID, input: inp.AttributeUpdateInput
    ) -> out.AttributePayload:
        res = await attribute_update(info.context, id=str(id), changes=inp.given(input))
        return out.AttributePayload(
            attribute=Attribute.from_model(res.result) if res.result else None,
            errors=_errors(res),
        )

    @strawberry.mutation(
        description="Delete an attribute and every product's value of it.", extensions=requires(WRITE)
    )
    async def attribute_delete(self, info: Info, id: strawberry.ID) -> out.CatalogDeletePayload:
        return _deleted(await attribute_delete(info.context, id=str(id)), "Attribute")

    @strawberry.mutation(
        description="Set or remove (null) a product's values of the given attributes.",
        extensions=requires(WRITE),
    )
    async def product_attribute_values_set(
        self, info: Info, product_id: strawberry.ID, values: list[inp.AttributeValueInput]
    ) -> out.ProductAttributeValuesSetPayload:
        res = await product_attribute_values_set(
            info.context, product_id=str(product_id), values=inp.given(values)
        )
        product, rows = res.result or (None, [])
        return out.ProductAttributeValuesSetPayload(
            product=Product.from_model(product) if product else None,
            values=[out.ProductAttributeValueEntry.from_models(a, v) for a, v in rows],
            errors=_errors(res),
        )

    @strawberry.mutation(description="Add an image to a product or variant.", extensions=requires(WRITE))
    async def product_media_create(
        self, info: Info, product_id: strawberry.ID, input: inp.ProductMediaCreateInput
    ) -> out.ProductMediaPayload:
        res = await media_create(info.context, product_id=str(product_id), values=inp.given(input))
        return out.ProductMediaPayload(
            media=ProductMedia.from_model(res.result) if res.result else None,
            errors=_errors(res),
        )

    @strawberry.mutation(description="Change an image.", extensions=requires(WRITE))
    async def product_media_update(
        self, info: Info, id: strawberry.ID, input: inp.ProductMediaUpdateInput
    ) -> out.ProductMediaPayload:
        res = await media_update(info.context, id=str(id), changes=inp.given(input))
        return out.ProductMediaPayload(
            media=ProductMedia.from_model(res.result) if res.result else None,
            errors=_errors(res),
        )

    @strawberry.mutation(
        description="Order a product's images; name each exactly once.", extensions=requires(WRITE)
    )
    async def product_media_reorder(
        self, info: Info, product_id: strawberry.ID, media_ids: list[strawberry.ID]
    ) -> out.ProductMediaReorderPayload:
        res = await media_reorder(
            info.context, product_id=str(product_id), media_ids=[str(m) for m in media_ids]
        )
        return out.ProductMediaReorderPayload(
            media=[ProductMedia.from_model(m) for m in res.result or []],
            errors=_errors(res),
        )

    @strawberry.mutation(description="Delete an image.", extensions=requires(WRITE))
    async def product_media_delete(self, info: Info, id: strawberry.ID) -> out.CatalogDeletePayload:
        return _deleted(await media_delete(info.context, id=str(id)), "ProductMedia")

    @strawberry.mutation(description="Create a brand.", extensions=requires(WRITE))
    async def brand_create(self, info: Info, input: inp.BrandCreateInput) -> out.BrandPayload:
        res = await brand_create(info.context, values=inp.given(input))
        return out.BrandPayload(
            brand=Brand.from_model(res.result) if res.result else None, errors=_errors(res)
        )

    @strawberry.mutation(description="Change a brand.", extensions=requires(WRITE))
    async def brand_update(
        self, info: Info, id: strawberry.ID, input: inp.BrandUpdateInput
    ) -> out.BrandPayload:
        res = await brand_update(info.context, id=str(id), changes=inp.given(input))
        return out.BrandPayload(
            brand=Brand.from_model(res.result) if res.result else None, errors=_errors(res)
        )

    @strawberry.mutation(
        description="Delete a brand; its products keep existing without one.", extensions=requires(WRITE)
    )
    async def brand_delete(self, info: Info, id: strawberry.ID) -> out.CatalogDeletePayload:
        return _deleted(await brand_delete(info.context, id=str(id)), "Brand")
