"""The catalog: products, variants, options, typed attributes, categories, brands, collections, bundles,
media, reviews and per-locale translations. Every row belongs to one store."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Computed,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR, UUID
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, TenantScoped, Timestamped, new_id, utcnow


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])


class ProductStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class AttributeKind(enum.StrEnum):
    TEXT = "text"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    SWATCH = "swatch"


class CollectionKind(enum.StrEnum):
    MANUAL = "manual"
    RULES = "rules"


class ReviewStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SPAM = "spam"


class Updated:
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), default=utcnow, onupdate=utcnow
    )


class ProductType(TenantScoped, Timestamped, Base):
    __tablename__ = "product_types"
    __table_args__ = (UniqueConstraint("store_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))


class Brand(TenantScoped, Timestamped, Updated, Base):
    __tablename__ = "brands"
    __table_args__ = (UniqueConstraint("store_id", "slug"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    logo_url: Mapped[str | None] = mapped_column(String(2000))


class Category(TenantScoped, Timestamped, Updated, Base):
    """`path` is "/<id>/<id>/.../" from the root: a category and everything below is one prefix range scan."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("store_id", "slug"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    depth: Mapped[int] = mapped_column(SmallInteger, default=0)
    path: Mapped[str] = mapped_column(String(1200))


class Collection(TenantScoped, Timestamped, Updated, Base):
    """Manual (products listed by hand) or rule-based (`rules` evaluated against the product read model)."""

    __tablename__ = "collections"
    __table_args__ = (UniqueConstraint("store_id", "slug"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[CollectionKind] = mapped_column(_enum(CollectionKind, "collection_kind"))
    rules: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)


class CollectionProduct(TenantScoped, Base):
    __tablename__ = "collection_products"

    collection_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class Product(TenantScoped, Timestamped, Updated, Base):
    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("store_id", "slug"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(300))
    slug: Mapped[str] = mapped_column(String(300))
    description_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProductStatus] = mapped_column(
        _enum(ProductStatus, "product_status"), default=ProductStatus.DRAFT
    )
    seo_title: Mapped[str] = mapped_column(String(300), default="")
    seo_description: Mapped[str] = mapped_column(String(1000), default="")
    product_type_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("product_types.id", ondelete="SET NULL")
    )
    brand_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("brands.id", ondelete="SET NULL"), index=True
    )
    category_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL"), index=True
    )
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(100)), default=list)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    is_bundle: Mapped[bool] = mapped_column(Boolean, default=False)


class ProductOption(TenantScoped, Base):
    __tablename__ = "product_options"
    __table_args__ = (UniqueConstraint("product_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    values: Mapped[list[str]] = mapped_column(ARRAY(String(100)), default=list)


class ProductVariant(TenantScoped, Timestamped, Updated, Base):
    __tablename__ = "product_variants"
    __table_args__ = (UniqueConstraint("store_id", "sku"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300), default="")
    option_values: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    barcode: Mapped[str | None] = mapped_column(String(100))
    weight_grams: Mapped[int | None] = mapped_column(Integer)
    track_inventory: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Attribute(TenantScoped, Timestamped, Base):
    __tablename__ = "attributes"
    __table_args__ = (UniqueConstraint("store_id", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AttributeKind] = mapped_column(_enum(AttributeKind, "attribute_kind"))
    # For choice kinds: [{"code": "red", "label": "Red", "swatch": "#ff0000"}]
    choices: Mapped[list[dict[str, str]]] = mapped_column(JSONB, default=list)
    filterable: Mapped[bool] = mapped_column(Boolean, default=True)


class ProductAttributeValue(TenantScoped, Base):
    """One typed value column per kind, so filters compare numbers as numbers and dates as dates."""

    __tablename__ = "product_attribute_values"

    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    attribute_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("attributes.id", ondelete="CASCADE"), primary_key=True
    )
    text_value: Mapped[str | None] = mapped_column(Text)
    number_value: Mapped[float | None] = mapped_column(Numeric(20, 6))
    bool_value: Mapped[bool | None] = mapped_column(Boolean)
    date_value: Mapped[date | None] = mapped_column(Date)
    choice_values: Mapped[list[str]] = mapped_column(ARRAY(String(100)), default=list)


class BundleItem(TenantScoped, Base):
    """A bundle product is sold as one item made of these variants; its stock is the least its parts allow."""

    __tablename__ = "bundle_items"

    bundle_product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    variant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("product_variants.id", ondelete="RESTRICT"), primary_key=True
    )
    quantity: Mapped[int] = mapped_column(Integer)


class ProductMedia(TenantScoped, Timestamped, Base):
    __tablename__ = "product_media"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("product_variants.id", ondelete="CASCADE")
    )
    url: Mapped[str] = mapped_column(String(2000))
    alt: Mapped[str] = mapped_column(String(500), default="")
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Review(TenantScoped, Timestamped, Base):
    __tablename__ = "reviews"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=new_id)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    author_name: Mapped[str] = mapped_column(String(200))
    verified_purchase: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ReviewStatus] = mapped_column(
        _enum(ReviewStatus, "review_status"), default=ReviewStatus.PENDING
    )
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Translation(TenantScoped, Base):
    """Translated text of one entity in one locale: {"title": …, "description_html": …}."""

    __tablename__ = "translations"

    entity_type: Mapped[str] = mapped_column(String(30), primary_key=True)
    entity_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    locale: Mapped[str] = mapped_column(String(16), primary_key=True)
    fields: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class VariantPrice(TenantScoped, Base):
    """A variant's base price in one currency (the default price list; named lists and tiers extend it)."""

    __tablename__ = "variant_prices"

    variant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("product_variants.id", ondelete="CASCADE"), primary_key=True
    )
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    compare_at_amount: Mapped[int | None] = mapped_column(BigInteger)


class StockLevel(TenantScoped, Base):
    """On-hand and reserved units per variant per location (the inventory ledger extends this)."""

    __tablename__ = "stock_levels"

    variant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("product_variants.id", ondelete="CASCADE"), primary_key=True
    )
    location: Mapped[str] = mapped_column(String(100), primary_key=True, default="default")
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    allow_backorder: Mapped[bool] = mapped_column(Boolean, default=False)


class ProductSummary(TenantScoped, Base):
    """The read model listings and search read: one row per product and locale, rebuilt from events."""

    __tablename__ = "product_summaries"

    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    locale: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[ProductStatus] = mapped_column(_enum(ProductStatus, "product_status"))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # ICU's root collation orders Bengali and Latin titles as readers expect.
    title: Mapped[str] = mapped_column(String(300, collation="und-x-icu"))
    slug: Mapped[str] = mapped_column(String(300))
    brand_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    brand_name: Mapped[str | None] = mapped_column(String(200))
    category_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    category_path: Mapped[str | None] = mapped_column(String(1200))
    collection_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(UUID(as_uuid=True)), default=list)
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(100)), default=list)
    attribute_values: Mapped[list[str]] = mapped_column(ARRAY(String(220)), default=list)
    prices: Mapped[dict[str, dict[str, int]]] = mapped_column(JSONB, default=dict)
    in_stock: Mapped[bool] = mapped_column(Boolean, default=False)
    rating_avg: Mapped[float] = mapped_column(Float, default=0.0)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    sales_count: Mapped[int] = mapped_column(Integer, default=0)
    primary_image_url: Mapped[str | None] = mapped_column(String(2000))
    primary_image_alt: Mapped[str | None] = mapped_column(String(500))
    search_text: Mapped[str] = mapped_column(Text, default="")
    search_vector: Mapped[str] = mapped_column(
        TSVECTOR,
        Computed(
            "CASE WHEN locale LIKE 'en%' THEN to_tsvector('english'::regconfig, search_text)"
            " ELSE to_tsvector('simple'::regconfig, search_text) END",
            persisted=True,
        ),
        deferred=True,
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SummaryPrice(TenantScoped, Base):
    """Min/max variant price of a product per currency: the indexed side of price filters and sorts."""

    __tablename__ = "product_summary_prices"

    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    min_amount: Mapped[int] = mapped_column(BigInteger)
    max_amount: Mapped[int] = mapped_column(BigInteger)
