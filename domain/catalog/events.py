"""Catalog event types, and what each one means for the response cache and the read model.

Every event that changes what a product shows carries `product_ids` (or `product_id`) in its data, so
the read-model consumer knows what to rebuild without reading the whole catalog.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

PRODUCT_CREATED = "product.created"
PRODUCT_UPDATED = "product.updated"
PRODUCT_DELETED = "product.deleted"
VARIANT_CREATED = "variant.created"
VARIANT_UPDATED = "variant.updated"
VARIANT_DELETED = "variant.deleted"
MEDIA_CHANGED = "product_media.changed"
PRICE_UPDATED = "price.updated"
STOCK_UPDATED = "stock.updated"
CATEGORY_CREATED = "category.created"
CATEGORY_UPDATED = "category.updated"
CATEGORY_DELETED = "category.deleted"
BRAND_CREATED = "brand.created"
BRAND_UPDATED = "brand.updated"
BRAND_DELETED = "brand.deleted"
COLLECTION_CREATED = "collection.created"
COLLECTION_UPDATED = "collection.updated"
COLLECTION_DELETED = "collection.deleted"
ATTRIBUTE_CHANGED = "attribute.changed"
TRANSLATION_UPDATED = "translation.updated"
# A deleted review changes its product's rating; the data names the product as the other review events do.
REVIEW_DELETED = "review.deleted"
REVIEW_SUBMITTED = "review.submitted"
REVIEW_MODERATED = "review.moderated"
# Product types are not shown on the storefront, but rule-based collections match on their names.
PRODUCT_TYPE_CREATED = "product_type.created"
PRODUCT_TYPE_UPDATED = "product_type.updated"
PRODUCT_TYPE_DELETED = "product_type.deleted"

# Every catalog event: the read-model consumer and the response-cache purge both take all of them.
ALL = (
    PRODUCT_CREATED,
    PRODUCT_UPDATED,
    PRODUCT_DELETED,
    VARIANT_CREATED,
    VARIANT_UPDATED,
    VARIANT_DELETED,
    MEDIA_CHANGED,
    PRICE_UPDATED,
    STOCK_UPDATED,
    CATEGORY_CREATED,
    CATEGORY_UPDATED,
    CATEGORY_DELETED,
    BRAND_CREATED,
    BRAND_UPDATED,
    BRAND_DELETED,
    COLLECTION_CREATED,
    COLLECTION_UPDATED,
    COLLECTION_DELETED,
    ATTRIBUTE_CHANGED,
    TRANSLATION_UPDATED,
    REVIEW_DELETED,
    REVIEW_SUBMITTED,
    REVIEW_MODERATED,
    PRODUCT_TYPE_CREATED,
    PRODUCT_TYPE_UPDATED,
    PRODUCT_TYPE_DELETED,
)

# Listings, search and facets can change with any of these; they share one tag.
LISTINGS = "products"


def _ids(data: dict[str, Any]) -> list[str]:
    ids = list(data.get("product_ids") or [])
    if data.get("product_id"):
        ids.append(data["product_id"])
    return [str(i) for i in ids]


def affected_products(event_type: str, data: dict[str, Any]) -> list[str]:
    """Products whose read-model rows this event makes stale (categories, brands and collections are
    resolved to their products by the consumer, which can query)."""
    if event_type.startswith("product.") and data.get("id"):
        return [str(data["id"]), *_ids(data)]
    return _ids(data)


def cache_tags(event_type: str, data: dict[str, Any]) -> set[str]:
    """Tags of cached responses this event makes stale. Tags are per store: the cache adds the store."""
    tags: set[str] = set()
    kind = event_type.split(".", 1)[0]
    entity = data.get("id")
    if kind in (
        "product",
        "variant",
        "product_media",
        "price",
        "stock",
        "review",
        "attribute",
        "product_type",
    ):
        tags.add(LISTINGS)
    if kind == "product" and entity:
        tags.add(f"product:{entity}")
    tags.update(f"product:{pid}" for pid in _ids(data))
    if kind in ("category", "brand", "collection") and entity:
        tags.update({f"{kind}:{entity}", f"{kind}s", LISTINGS})
    if kind == "translation":
        tags.add(f"{data.get('entity_type')}:{data.get('entity_id')}")
        tags.add(LISTINGS)
        if data.get("entity_type") in ("category", "brand", "collection"):
            tags.add(f"{data['entity_type']}s")
    if kind == "store":
        tags.add(f"store:{entity}" if entity else "store")
    return tags


def product_tags(product_ids: Iterable[str]) -> set[str]:
    return {f"product:{pid}" for pid in product_ids}
