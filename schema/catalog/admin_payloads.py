"""Payloads of the catalog admin mutations: the changed object (null when nothing changed) and `errors`."""

from __future__ import annotations

import strawberry

from domain.catalog import attributes as attribute_values
from domain.catalog import models
from schema.catalog.types import (
    JSON,
    Attribute,
    Brand,
    Money,
    Product,
    ProductMedia,
    ProductOption,
    ProductType,
    ProductVariant,
)
from schema.errors import CatalogError

ERRORS = "Why nothing changed, if so."


@strawberry.type(description="The result of a product mutation.")
class ProductPayload:
    product: Product | None = strawberry.field(description="The product after the change.")
    errors: list[CatalogError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of a catalog delete mutation.")
class CatalogDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="The global id of what was deleted.")
    errors: list[CatalogError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of productOptionsSet.")
class ProductOptionsSetPayload:
    product: Product | None = strawberry.field(description="The product.")
    options: list[ProductOption] = strawberry.field(description="Its options, in order.")
    errors: list[CatalogError] = strawberry.field(description=ERRORS)


@strawberry.type(description="One part of a bundle: a variant and how many of it.")
class BundleComponent:
    variant: ProductVariant = strawberry.field(description="The part.")
    quantity: int = strawberry.field(description="Units of it in one bundle.")


@strawberry.type(description="The result of productBundleItemsSet.")
class ProductBundleItemsSetPayload:
    product: Product | None = strawberry.field(description="The bundle product.")
    items: list[BundleComponent] = strawberry.field(description="Its parts.")
    errors: list[CatalogError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of a product type mutation.")
class ProductTypePayload:
    product_type: ProductType | None = strawberry.field(description="The product type.")
    errors: list[CatalogError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of a variant mutation.")
class ProductVariantPayload:
    variant: ProductVariant | None = strawberry.field(description="The variant after the change.")
    errors: list[CatalogError] = strawberry.field(description=ERRORS)


@strawberry.type(description="A variant's price in one currency.")
class VariantPriceEntry:
    price: Money = strawberry.field(description="The price.")
    compare_at: Money | None = strawberry.field(description="The 'was' price, if any.")

    @classmethod
    def from_model(cls, m: models.VariantPrice) -> VariantPriceEntry:
        return cls(
            price=Money(amount=m.amount, currency=m.currency),
            compare_at=(
                Money(amount=m.compare_at_amount, currency=m.currency)
                if m.compare_at_amount is not None
                else None
            ),
        )


@strawberry.type(description="The result of productVariantPricesSet.")
class VariantPricesSetPayload:
    variant: ProductVariant | None = strawberry.field(description="The variant.")
    prices: list[VariantPriceEntry] = strawberry.field(description="All its prices, by currency.")
    errors: list[CatalogError] = strawberry.field(description=ERRORS)


@strawberry.type(description="Stock of a variant at one location.")
class VariantStockEntry:
    location: str = strawberry.field(description="Location code.")
    on_hand: int = strawberry.field(description="Units on hand.")
    reserved: int = strawberry.field(description="Units held by carts and orders.")
    allow_backorder: bool = strawberry.field(description="Sold beyond stock.")

    @classmethod
    def from_model(cls, m: models.StockLevel) -> VariantStockEntry:
        return cls(
            location=m.location, on_hand=m.on_hand, reserved=m.reserved, allow_backorder=m.allow_backorder
        )


@strawberry.type(description="The result of productVariantStockSet.")
class VariantStockSetPayload:
    variant: ProductVariant | None = strawberry.field(description="The variant.")
    stock: VariantStockEntry | None = strawberry.field(description="Its stock at the location.")
    errors: list[CatalogError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of an attribute mutation.")
class AttributePayload:
    attribute: Attribute | None = strawberry.field(description="The attribute.")
    errors: list[CatalogError] = strawberry.field(description=ERRORS)


@strawberry.type(description="A product's value of one attribute.")
class ProductAttributeValueEntry:
    attribute: Attribute = strawberry.field(description="The attribute.")
    value: JSON = strawberry.field(description="As set: text, number, boolean, date, code or codes.")

    @classmethod
    def from_models(cls, a: models.Attribute, v: models.ProductAttributeValue) -> ProductAttributeValueEntry:
        return cls(attribute=Attribute.from_model(a), value=attribute_values.plain_value(a, v))


@strawberry.type(description="The result of productAttributeValuesSet.")
class ProductAttributeValuesSetPayload:
    product: Product | None = strawberry.field(description="The product.")
    values: list[ProductAttributeValueEntry] = strawberry.field(description="All its values.")
    errors: list[CatalogError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of an image mutation.")
class ProductMediaPayload:
    media: ProductMedia | None = strawberry.field(description="The image.")
    errors: list[CatalogError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of productMediaReorder.")
class ProductMediaReorderPayload:
    media: list[ProductMedia] = strawberry.field(description="The product's images in their new order.")
    errors: list[CatalogError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of a brand mutation.")
class BrandPayload:
    brand: Brand | None = strawberry.field(description="The brand.")
    errors: list[CatalogError] = strawberry.field(description=ERRORS)
