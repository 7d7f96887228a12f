"""Reading products together with what the document shows of them, in the caller's transaction.

A listing or a product page knows its product ids before graphql-core walks into them. Reading their
relations there, a few set-based statements in the same transaction, and priming the request's loaders
lets the nested fields resolve synchronously (`Loader.now`) instead of every relation costing a loader
batch, with its own transaction, at its own depth. Only what the document selects is read; anything else
still goes through the loaders. Cache tags are recorded as the loaders would have.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.catalog import models as m
from domain.catalog import queries as q
from domain.db import utcnow
from domain.pricing.engine import PriceRequest, PriceResult, price_many
from resolvers.catalog.scope import CatalogScope
from resolvers.context import Context

_VARIANT_PRICES = frozenset({"prices"})
_VARIANT_QUOTES = frozenset({"price", "compareAtPrice", "priceExcludingTax", "priceIncludingTax"})
_SUMMARY = frozenset({"availableForSale", "rating", "collections"})


@dataclass(frozen=True)
class Wants:
    """The GraphQL fields the document selects on each product and on each of its variants."""

    product: frozenset[str] = frozenset()
    variant: frozenset[str] = frozenset()


async def read_products(
    ctx: Context, session: AsyncSession, store_id: uuid.UUID, locale: str | None, ids: Sequence[uuid.UUID]
) -> list[m.Product | None]:
    """Products by id, and the texts (in `locale`) of everything shown with them: the products, their
    variants, brands and category paths, so translations never cost a batch of their own."""
    if not ids:
        return []
    products = await q.products_by_id(session, ids)
    texts = await q.product_texts(session, store_id, ids, locale) if locale is not None else []
    ctx.loaders.translations.prime_many(texts)
    ctx.cache_tags.update(f"product:{i}" for i in ids)
    ctx.cache_tags.update(f"{et}:{eid}" for (et, eid, _), _f in texts)
    return products


async def read_page(
    ctx: Context, session: AsyncSession, scope: CatalogScope, ids: Sequence[uuid.UUID], wants: Wants
) -> list[m.Product | None]:
    """`read_products`, then whatever of their relations `wants` names, primed into the loaders."""
    loaders = ctx.loaders
    products = await read_products(ctx, session, scope.store_id, scope.locale, ids)
    loaders.product_by_id.prime_many(zip(ids, products, strict=True))
    found = [p for p in products if p is not None]
    pids = [p.id for p in found]
    if not pids:
        return products
    fields = wants.product
    if "variants" in fields:
        variants = await q.variants_by_product(session, pids)
        loaders.variants_by_product.prime_many(zip(pids, variants, strict=True))
        vids = [v.id for vs in variants for v in vs]
        if vids and wants.variant & _VARIANT_PRICES:
            prices = await q.prices_by_variant(session, vids)
            loaders.prices_by_variant.prime_many(zip(vids, prices, strict=True))
        if vids and wants.variant & _VARIANT_QUOTES:
            keys = [(v, scope.currency) for v in vids]
            quotes = await storefront_quotes(session, scope.store_id, keys)
            loaders.quote_by_variant.prime_many(zip(keys, quotes, strict=True))
        if vids and "availableForSale" in wants.variant:
            stock = await q.stock_by_variant(session, vids)
            loaders.stock_by_variant.prime_many(zip(vids, stock, strict=True))
    if fields & {"media", "featuredImage"} or "media" in wants.variant:
        media = await q.media_by_product(session, pids)
        loaders.media_by_product.prime_many(zip(pids, media, strict=True))
    if "options" in fields:
        options = await q.options_by_product(session, pids)
        loaders.options_by_product.prime_many(zip(pids, options, strict=True))
    if "attributes" in fields:
        attributes = await q.attributes_by_product(session, pids)
        loaders.attributes_by_product.prime_many(zip(pids, attributes, strict=True))
    if "brand" in fields:
        await _brands(ctx, session, {p.brand_id for p in found if p.brand_id is not None})
    if "category" in fields:
        await _categories(ctx, session, {p.category_id for p in found if p.category_id is not None})
    summary_keys = [(p, scope.locale) for p in pids]
    range_keys = [(p, scope.currency) for p in pids]
    if fields & _SUMMARY and "priceRange" in fields:
        summaries, ranges = await q.summaries_and_ranges(session, pids, scope.locale, scope.currency)
        loaders.summary_by_product.prime_many(zip(summary_keys, summaries, strict=True))
        loaders.price_range_by_product.prime_many(zip(range_keys, ranges, strict=True))
    elif fields & _SUMMARY:
        summaries = await q.summaries_by_product(session, summary_keys)
        loaders.summary_by_product.prime_many(zip(summary_keys, summaries, strict=True))
    elif "priceRange" in fields:
        ranges = await q.price_ranges(session, range_keys)
        loaders.price_range_by_product.prime_many(zip(range_keys, ranges, strict=True))
    if fields & _SUMMARY and "collections" in fields:
        ids_in = {c for s in summaries if s is not None for c in s.collection_ids}
        await _collections(ctx, session, ids_in, scope.locale)
    return products


async def storefront_quotes(
    session: AsyncSession, store_id: uuid.UUID, keys: Sequence[tuple[uuid.UUID, str]]
) -> list[PriceResult | None]:
    """What the storefront shows: one unit, for the anonymous shopper, now (a scheduled sale's start or
    end purges cached answers through the schedule sweep's event)."""
    requests = [PriceRequest(variant_id, 1, currency) for variant_id, currency in keys]
    return await price_many(session, store_id, requests, at=utcnow())


async def _brands(ctx: Context, session: AsyncSession, ids: set[uuid.UUID]) -> None:
    if ids:
        keys = list(ids)
        brands = await q.brands_by_id(session, keys)
        ctx.loaders.brand_by_id.prime_many(zip(keys, brands, strict=True))
        ctx.cache_tags.update(f"brand:{i}" for i in ids)


async def _categories(ctx: Context, session: AsyncSession, ids: set[uuid.UUID]) -> None:
    # With their ancestors: a product's category usually shows its breadcrumb.
    if ids:
        found = await q.categories_with_ancestors(session, list(ids))
        ctx.loaders.category_by_id.prime_many((c.id, c) for c in found)
        ctx.cache_tags.update(f"category:{i}" for i in ids | {c.id for c in found})


async def _collections(ctx: Context, session: AsyncSession, ids: set[uuid.UUID], locale: str) -> None:
    if ids:
        keys = list(ids)
        collections = await q.collections_by_id(session, keys)
        ctx.loaders.collection_by_id.prime_many(zip(keys, collections, strict=True))
        texts = await q.entity_texts(session, [("collection", i) for i in keys], locale)
        ctx.loaders.translations.prime_many(texts)
        ctx.cache_tags.update(f"collection:{i}" for i in ids)
