"""Pricing event types, and what each means for the product read model and the response cache.

Events that change prices of known variants carry `product_ids`; events whose effect is store-wide
(a rate, the rounding rule, a list's schedule or audience, tax) carry `all_products: true`, which the
read model turns into a rebuild of the store and the cache into a purge of the store's tag.
"""

from __future__ import annotations

from typing import Any

PRICE_LIST_CREATED = "price_list.created"
PRICE_LIST_UPDATED = "price_list.updated"
PRICE_LIST_DELETED = "price_list.deleted"
PRICE_LIST_PRICES_SET = "price_list.prices_set"
PRICE_LIST_TIERS_SET = "price_list.tiers_set"
PRICE_SCHEDULE_PASSED = "price_list.schedule_passed"
CURRENCY_RATES_SET = "currency_rates.set"
TAX_CHANGED = "tax.changed"
PRICING_SETTINGS_UPDATED = "pricing_settings.updated"
CUSTOMER_CREATED = "customer.created"
CUSTOMER_GROUP_CREATED = "customer_group.created"
CUSTOMER_GROUP_UPDATED = "customer_group.updated"
CUSTOMER_GROUP_DELETED = "customer_group.deleted"
CUSTOMER_GROUP_MEMBERS_CHANGED = "customer_group.members_changed"

# Events that can change a price some response or read-model row shows.
PRICE_AFFECTING = (
    PRICE_LIST_CREATED,
    PRICE_LIST_UPDATED,
    PRICE_LIST_DELETED,
    PRICE_LIST_PRICES_SET,
    PRICE_LIST_TIERS_SET,
    PRICE_SCHEDULE_PASSED,
    CURRENCY_RATES_SET,
    TAX_CHANGED,
    PRICING_SETTINGS_UPDATED,
)

LISTINGS = "products"


def touches_all(data: dict[str, Any]) -> bool:
    return bool(data.get("all_products"))


def affected_products(data: dict[str, Any]) -> list[str]:
    return [str(p) for p in data.get("product_ids") or []]


def cache_tags(event_type: str, data: dict[str, Any], store_id: str) -> set[str]:
    """Tags of cached responses a pricing event makes stale (the names of `domain.catalog.events`).

    Cached storefront answers are for the anonymous audience only (no customer sessions yet), so group
    membership changes purge nothing."""
    if event_type not in PRICE_AFFECTING:
        return set()
    if touches_all(data):
        # Every catalog answer carries the store's tag (resolvers.catalog.scope).
        return {f"store:{store_id}", LISTINGS}
    ids = affected_products(data)
    if not ids:
        return set()
    return {LISTINGS, *(f"product:{p}" for p in ids)}
