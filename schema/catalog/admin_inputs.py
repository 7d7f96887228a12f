"""Inputs of the catalog admin mutations. Omitted fields of an update input stay as they are; an explicit
null clears a field where that makes sense (brand, category, product type, publish date)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import strawberry

from schema.catalog.types import JSON, AttributeKind, ProductStatus

UNSET: Any = strawberry.UNSET


def given(value: Any) -> Any:
    """Plain Python of a strawberry input: unset fields dropped, enums to their values, ids to strings."""
    if isinstance(value, list):
        return [given(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if hasattr(value, "__strawberry_definition__"):
        return {k: given(v) for k, v in vars(value).items() if v is not strawberry.UNSET}
    return value


@strawberry.input(description="A new product. Without a slug one is made from the title.")
class ProductCreateInput:
    title: str = strawberry.field(description="Shown to shoppers; Bengali welcome.")
    slug: str | None = strawberry.field(default=UNSET, description="URL handle, unique in the store.")
    description_html: str | None = strawberry.field(
        default=UNSET, description="HTML; kept to a safe allow-list of tags and attributes."
    )
    status: ProductStatus | None = strawberry.field(default=UNSET, description="Draft unless given.")
    seo_title: str | None = strawberry.field(default=UNSET, description="Title for search engines.")
    seo_description: str | None = strawberry.field(default=UNSET, description="Meta description.")
    product_type_id: strawberry.ID | None = strawberry.field(default=UNSET, description="A ProductType.")
    brand_id: strawberry.ID | None = strawberry.field(default=UNSET, description="A Brand.")
    category_id: strawberry.ID | None = strawberry.field(default=UNSET, description="A Category.")
    tags: list[str] | None = strawberry.field(
        default=UNSET, description="Tags; trimmed, lowercased and deduplicated."
    )
    published_at: datetime | None = strawberry.field(default=UNSET, description="When it goes live.")


@strawberry.input(description="Product fields to change; omitted fields stay as they are.")
class ProductUpdateInput:
    title: str | None = strawberry.field(default=UNSET, description="Shown to shoppers.")
    slug: str | None = strawberry.field(
        default=UNSET, description="URL handle; null makes a new one from the title."
    )
    description_html: str | None = strawberry.field(default=UNSET, description="Sanitized HTML.")
    status: ProductStatus | None = strawberry.field(default=UNSET, description="draft, active, archived.")
    seo_title: str | None = strawberry.field(default=UNSET, description="Title for search engines.")
    seo_description: str | None = strawberry.field(default=UNSET, description="Meta description.")
    product_type_id: strawberry.ID | None = strawberry.field(default=UNSET, description="Null clears.")
    brand_id: strawberry.ID | None = strawberry.field(default=UNSET, description="Null clears.")
    category_id: strawberry.ID | None = strawberry.field(default=UNSET, description="Null clears.")
    tags: list[str] | None = strawberry.field(default=UNSET, description="Replaces the tags.")
    published_at: datetime | None = strawberry.field(default=UNSET, description="Null unpublishes.")


@strawberry.input(description="An option and its values, in order (e.g. Size: S, M, L).")
class ProductOptionInput:
    name: str = strawberry.field(description="Unique within the product.")
    values: list[str] = strawberry.field(description="Distinct values, in display order.")


@strawberry.input(description="One part of a bundle.")
class BundleItemInput:
    variant_id: strawberry.ID = strawberry.field(description="A variant of a product that is not a bundle.")
    quantity: int = strawberry.field(description="Units of it in one bundle; at least 1.")


@strawberry.input(description="One option value of a variant.")
class SelectedOptionInput:
    name: str = strawberry.field(description="An option of the product.")
    value: str = strawberry.field(description="One of that option's values.")


@strawberry.input(description="A new variant.")
class ProductVariantCreateInput:
    sku: str = strawberry.field(description="Unique in the store.")
    title: str | None = strawberry.field(default=UNSET, description="Defaults to the option values.")
    options: list[SelectedOptionInput] | None = strawberry.field(
        default=UNSET, description="One value for each option of the product."
    )
    barcode: str | None = strawberry.field(default=UNSET, description="EAN, UPC or ISBN.")
    weight_grams: int | None = strawberry.field(default=UNSET, description="Shipping weight.")
    track_inventory: bool | None = strawberry.field(default=UNSET, description="True unless given.")
    position: int | None = strawberry.field(default=UNSET, description="Order; after the last if omitted.")


@strawberry.input(description="Variant fields to change; omitted fields stay as they are.")
class ProductVariantUpdateInput:
    sku: str | None = strawberry.field(default=UNSET, description="Unique in the store.")
    title: str | None = strawberry.field(default=UNSET, description="Display title.")
    options: list[SelectedOptionInput] | None = strawberry.field(
        default=UNSET, description="One value for each option of the product."
    )
    barcode: str | None = strawberry.field(default=UNSET, description="EAN, UPC or ISBN.")
    weight_grams: int | None = strawberry.field(default=UNSET, description="Shipping weight.")
    track_inventory: bool | None = strawberry.field(default=UNSET, description="Count stock or not.")
    position: int | None = strawberry.field(default=UNSET, description="Order among variants.")


@strawberry.input(description="A price of a variant in one currency.")
class VariantPriceInput:
    currency: str = strawberry.field(description="One of the store's ISO 4217 codes.")
    amount: int = strawberry.field(description="Integer minor units, at least 0.")
    compare_at_amount: int | None = strawberry.field(
        default=None, description="The 'was' price, above amount; null for none."
    )


@strawberry.input(description="Stock of a variant at one location.")
class VariantStockInput:
    on_hand: int = strawberry.field(description="Units on hand, at least 0.")
    location: str = strawberry.field(default="default", description="Location code.")
    allow_backorder: bool = strawberry.field(default=False, description="Sell beyond stock.")


@strawberry.input(description="One choice of a choice, multi-choice or swatch attribute.")
class AttributeChoiceInput:
    code: str = strawberry.field(description="Stable code, no spaces or commas.")
    label: str = strawberry.field(description="Shown to shoppers.")
    swatch: str | None = strawberry.field(default=None, description="Colour or image URL (swatches).")


@strawberry.input(description="A new attribute.")
class AttributeCreateInput:
    code: str = strawberry.field(description="Lowercase code, unique in the store.")
    name: str = strawberry.field(description="Shown to shoppers.")
    kind: AttributeKind = strawberry.field(description="The value type.")
    choices: list[AttributeChoiceInput] | None = strawberry.field(
        default=UNSET, description="Required for choice kinds; none for the others."
    )
    filterable: bool | None = strawberry.field(default=UNSET, description="Usable as a filter; true.")


@strawberry.input(description="Attribute fields to change; the kind and code are fixed.")
class AttributeUpdateInput:
    name: str | None = strawberry.field(default=UNSET, description="Shown to shoppers.")
    choices: list[AttributeChoiceInput] | None = strawberry.field(
        default=UNSET, description="Replaces the choices; removing one in use is refused."
    )
    filterable: bool | None = strawberry.field(default=UNSET, description="Usable as a filter.")


@strawberry.input(description="A product's value of one attribute.")
class AttributeValueInput:
    attribute_id: strawberry.ID = strawberry.field(description="The Attribute.")
    value: JSON | None = strawberry.field(
        default=None,
        description="Text, number, boolean, 'YYYY-MM-DD', a choice code, or a list of codes "
        "(multi-choice); null removes the value.",
    )


@strawberry.input(description="A new image.")
class ProductMediaCreateInput:
    url: str = strawberry.field(description="An http or https URL.")
    alt: str | None = strawberry.field(default=UNSET, description="Alt text.")
    width: int | None = strawberry.field(default=UNSET, description="Pixels.")
    height: int | None = strawberry.field(default=UNSET, description="Pixels.")
    variant_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="A variant of the same product, for a variant image."
    )


@strawberry.input(description="Image fields to change.")
class ProductMediaUpdateInput:
    url: str | None = strawberry.field(default=UNSET, description="An http or https URL.")
    alt: str | None = strawberry.field(default=UNSET, description="Alt text.")
    width: int | None = strawberry.field(default=UNSET, description="Pixels.")
    height: int | None = strawberry.field(default=UNSET, description="Pixels.")
    variant_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="A variant of the same product; null makes it a product image."
    )


@strawberry.input(description="A new brand. Without a slug one is made from the name.")
class BrandCreateInput:
    name: str = strawberry.field(description="Shown to shoppers.")
    slug: str | None = strawberry.field(default=UNSET, description="URL handle, unique in the store.")
    description: str | None = strawberry.field(default=UNSET, description="About the brand.")
    logo_url: str | None = strawberry.field(default=UNSET, description="An http or https URL.")


@strawberry.input(description="Brand fields to change.")
class BrandUpdateInput:
    name: str | None = strawberry.field(default=UNSET, description="Shown to shoppers.")
    slug: str | None = strawberry.field(default=UNSET, description="URL handle; null remakes it.")
    description: str | None = strawberry.field(default=UNSET, description="About the brand.")
    logo_url: str | None = strawberry.field(default=UNSET, description="Null removes it.")


def variant_values(data: dict[str, Any]) -> dict[str, Any]:
    """`options: [{name, value}]` as the domain's `option_values` mapping."""
    out = dict(data)
    if "options" in out:
        options = out.pop("options")
        out["option_values"] = None if options is None else {o["name"]: o["value"] for o in options}
    return out
