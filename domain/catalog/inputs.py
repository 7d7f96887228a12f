"""Validated inputs of the catalog's write services. Shapes only; rules that need the database live in
the services. Update inputs tell "not given" from "set to null" by `model_fields_set`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, Field, field_validator, model_validator

from domain.catalog.models import AttributeKind, ProductStatus
from domain.text import Text


def _strip(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


def _web_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http or https URL")
    return value


Name = Annotated[Text, AfterValidator(_strip)]
Url = Annotated[Text, AfterValidator(_web_url)]


def normalise_tags(tags: list[str]) -> list[str]:
    """Trimmed, inner spaces collapsed, lowercased, first occurrence kept; blanks dropped."""
    out: dict[str, None] = {}
    for tag in tags:
        clean = " ".join(tag.split()).casefold()
        if clean:
            out.setdefault(clean[:100], None)
    return list(out)


class ProductFields(BaseModel):
    """Every product field, all optional: what an update may change."""

    title: Name | None = Field(default=None, max_length=300)
    slug: Text | None = Field(default=None, max_length=300)
    description_html: Text | None = Field(default=None, max_length=200_000)
    status: ProductStatus | None = None
    seo_title: Text | None = Field(default=None, max_length=300)
    seo_description: Text | None = Field(default=None, max_length=1000)
    product_type_id: uuid.UUID | None = None
    brand_id: uuid.UUID | None = None
    category_id: uuid.UUID | None = None
    tags: list[Text] | None = Field(default=None, max_length=250)
    published_at: datetime | None = None

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else normalise_tags(value)

    @field_validator("published_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must carry a time zone")
        return None if value is None else value.astimezone(UTC)

    @model_validator(mode="after")
    def _not_null(self) -> ProductFields:
        for name in ("title", "status", "description_html", "seo_title", "seo_description", "tags"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class ProductCreateInput(ProductFields):
    title: Name = Field(max_length=300)


class OptionInput(BaseModel):
    name: Name = Field(max_length=100)
    values: list[Name] = Field(min_length=1, max_length=100)

    @field_validator("values")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        if len({v.casefold() for v in values}) != len(values):
            raise ValueError("values must be distinct")
        return values


class VariantFields(BaseModel):
    sku: Name | None = Field(default=None, max_length=100)
    title: Text | None = Field(default=None, max_length=300)
    option_values: dict[str, str] | None = None
    barcode: Text | None = Field(default=None, max_length=100)
    weight_grams: int | None = Field(default=None, ge=0, le=10_000_000)
    track_inventory: bool | None = None
    position: int | None = Field(default=None, ge=0, le=1_000_000)

    @model_validator(mode="after")
    def _not_null(self) -> VariantFields:
        for name in ("sku", "title", "option_values", "track_inventory", "position"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class VariantCreateInput(VariantFields):
    sku: Name = Field(max_length=100)


class ChoiceInput(BaseModel):
    code: Name = Field(max_length=100, pattern=r"^[^\s,]+$")
    label: Name = Field(max_length=200)
    swatch: Text | None = Field(default=None, max_length=200)


class AttributeFields(BaseModel):
    name: Name | None = Field(default=None, max_length=200)
    choices: list[ChoiceInput] | None = Field(default=None, max_length=500)
    filterable: bool | None = None

    @field_validator("choices")
    @classmethod
    def _unique_codes(cls, value: list[ChoiceInput] | None) -> list[ChoiceInput] | None:
        if value is not None and len({c.code for c in value}) != len(value):
            raise ValueError("choice codes must be distinct")
        return value


class AttributeCreateInput(AttributeFields):
    code: Name = Field(max_length=100, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: Name = Field(max_length=200)
    kind: AttributeKind


class AttributeValueInput(BaseModel):
    """`value` is JSON as the kind wants it: text, number, boolean, "YYYY-MM-DD", a choice code, or a
    list of codes for multi-choice; null removes the product's value."""

    attribute_id: uuid.UUID
    value: Any = None


class MediaFields(BaseModel):
    url: Url | None = Field(default=None, max_length=2000)
    alt: Text | None = Field(default=None, max_length=500)
    width: int | None = Field(default=None, ge=1, le=100_000)
    height: int | None = Field(default=None, ge=1, le=100_000)
    variant_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _not_null(self) -> MediaFields:
        for name in ("url", "alt"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class MediaCreateInput(MediaFields):
    url: Url = Field(max_length=2000)


class BundleItemInput(BaseModel):
    variant_id: uuid.UUID
    quantity: int = Field(ge=1, le=10_000)


class BrandFields(BaseModel):
    name: Name | None = Field(default=None, max_length=200)
    slug: Text | None = Field(default=None, max_length=200)
    description: Text | None = Field(default=None, max_length=20_000)
    logo_url: Url | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _not_null(self) -> BrandFields:
        for name in ("name", "description"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class BrandCreateInput(BrandFields):
    name: Name = Field(max_length=200)


class PriceInput(BaseModel):
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    amount: int = Field(ge=0, le=10**15)
    compare_at_amount: int | None = Field(default=None, ge=0, le=10**15)

    @model_validator(mode="after")
    def _compare_at_above(self) -> PriceInput:
        if self.compare_at_amount is not None and self.compare_at_amount <= self.amount:
            raise ValueError("compare-at amount must be greater than the amount")
        return self


class StockInput(BaseModel):
    location: Name = Field(default="default", max_length=100)
    on_hand: int = Field(ge=0, le=2_000_000_000)
    allow_backorder: bool = False


__all__ = [
    "AttributeCreateInput",
    "AttributeFields",
    "AttributeValueInput",
    "BrandCreateInput",
    "BrandFields",
    "BundleItemInput",
    "ChoiceInput",
    "MediaCreateInput",
    "MediaFields",
    "OptionInput",
    "PriceInput",
    "ProductCreateInput",
    "ProductFields",
    "StockInput",
    "VariantCreateInput",
    "VariantFields",
    "normalise_tags",
]
