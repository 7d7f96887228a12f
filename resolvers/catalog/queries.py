"""Storefront reads of the catalog: products by id or slug, listings and search over the read model,
suggestions, the category tree, collections, brands and reviews. Relations go through loaders."""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.catalog import models as m
from domain.catalog import queries as q
from domain.catalog import search
from domain.catalog.events import LISTINGS
from domain.db import utcnow
from domain.errors import DomainError
from resolvers.catalog.prefetch import Wants, read_page
from resolvers.catalog.scope import CatalogScope, OperationInfo, catalog_scope, scope_now
from resolvers.context import Context
from resolvers.ids import decode_global_id
from resolvers.pagination import Page, decode_cursor, encode_cursor, page_size
from resolvers.ready import then

NOTHING = uuid.UUID(int=0)


def _text(value: str) -> str:
    # PostgreSQL text cannot hold NUL: no stored slug, title or value contains it, so it can only be noise.
    return value.replace("\x00", "")


def visible(p: m.Product | None, scope: CatalogScope) -> m.Product | None:
    """Storefront tokens see active products whose publish date has come; admins see everything."""
    if p is None or not scope.storefront:
        return p
    if p.status is not m.ProductStatus.ACTIVE:
        return None
    if p.published_at is not None and p.published_at > utcnow():
        return None
    return p


async def products_by_id(ctx: Context, info: OperationInfo, ids: list[uuid.UUID]) -> list[m.Product | None]:
    scope = await catalog_scope(ctx, info)
    found: list[m.Product | None] = await ctx.loaders.product_by_id.load_many(ids)
    return [visible(p, scope) for p in found]


async def product(
    ctx: Context, info: OperationInfo, *, id: str | None, slug: str | None, wants: Wants
) -> m.Product | None:
    """A product by id or slug, read in one transaction with what the document shows of it."""
    if id is None and slug is None:
        raise DomainError("REQUIRED", "give id or slug", field="id")
    found = None
    async with ctx.read_uow() as uow:
        scope = await catalog_scope(ctx, info, uow)
        if id is not None:
            pid = decode_global_id(id, "Product")
        else:
            pid = None if slug is None or "\x00" in slug else await q.product_id_by_slug(uow.session, slug)
        if pid is not None:
            (found,) = await read_page(ctx, uow.session, scope, [pid], wants)
    found = visible(found, scope)
    if found is None:
        # A miss may turn into a hit when a product is created or published: those events purge "products".
        ctx.cache_tags.add(LISTINGS)
    return found


@dataclass(frozen=True)
class ListingArgs:
    """A listing as GraphQL asks for it: global ids, an opaque cursor."""

    category_id: str | None = None
    brand_ids: list[str] = field(default_factory=list)
    collection_id: str | None = None
    attributes: list[str] = field(default_factory=list)
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool | None = None
    statuses: list[m.ProductStatus] | None = None
    sort: search.ProductSort | None = None
    query: str | None = None


@dataclass(frozen=True)
class FacetResult:
    counts: search.Facets
    brands: dict[uuid.UUID, m.Brand]
    categories: dict[uuid.UUID, m.Category]


@dataclass(frozen=True)
class ProductPage:
    listing: search.Listing
    items: list[tuple[str, m.Product]]
    total: int
    has_next_page: bool
    has_previous_page: bool
    # Read with the page when the document selects them (one statement for both).
    facets: FacetResult | None = None


def _id(value: str | None, type_name: str) -> uuid.UUID | None:
    # An id of another type or of nothing filters to nothing, never to everything.
    return None if value is None else decode_global_id(value, type_name) or NOTHING


def _listing(args: ListingArgs, scope: CatalogScope) -> search.Listing:
    return search.Listing(
        store_id=scope.store_id,
        locale=scope.locale,
        currency=scope.currency,
        filter=search.ProductFilter(
            category_id=_id(args.category_id, "Category"),
            brand_ids=tuple(_id(b, "Brand") or NOTHING for b in args.brand_ids),
            collection_id=_id(args.collection_id, "Collection"),
            attributes=tuple(_text(a) for a in args.attributes),
            price_min=args.price_min,
            price_max=args.price_max,
            in_stock=args.in_stock,
            statuses=None if scope.storefront or args.statuses is None else tuple(args.statuses),
        ),
        sort=args.sort,
        query=_text(args.query or "").strip() or None,
    )


def _offset_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _decode_offset(cursor: str) -> int:
    try:
        kind, _, raw = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "offset" and raw.isdigit():
            return int(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise DomainError("INVALID_CURSOR", "cursor is malformed", field="after")


async def list_products(
    ctx: Context,
    info: OperationInfo,
    args: ListingArgs,
    *,
    first: int | None,
    after: str | None,
    wants: Wants,
    with_facets: bool = False,
) -> ProductPage:
    """A page of the listing (or search) in order, read in one transaction with what the document shows of
    its products and, when asked, the facets (their counts in the page's own statement)."""
    size = page_size(first, ctx.default_page_size)
    start = _decode_offset(after) + 1 if after else 0
    ctx.cache_tags.add(LISTINGS)
    found_facets = None
    async with ctx.read_uow() as uow:
        scope = await catalog_scope(ctx, info, uow)
        listing = _listing(args, scope)
        if with_facets:
            page, counts = await search.list_with_facets(uow.session, listing, first=size, offset=start)
        else:
            page = await search.list_products(uow.session, listing, first=size, offset=start)
        products = await read_page(ctx, uow.session, scope, page.product_ids, wants)
        if with_facets:
            found_facets = await _facet_names(ctx, uow.session, counts, listing.locale)
    shown = [visible(p, scope) for p in products]
    items = [(_offset_cursor(start + i), p) for i, p in enumerate(shown) if p is not None]
    return ProductPage(listing, items, page.total, page.has_next_page, start > 0, found_facets)


async def facets(ctx: Context, listing: search.Listing) -> FacetResult:
    """Facet counts with the brands and categories they name, and those names' translations, in one
    transaction of a fixed number of statements (not through the shared loaders, whose batches would
    then depend on timing)."""
    ctx.cache_tags.add(LISTINGS)
    async with ctx.read_uow() as uow:
        counts = await search.facet_counts(uow.session, listing)
        return await _facet_names(ctx, uow.session, counts, listing.locale)


async def _facet_names(
    ctx: Context, session: AsyncSession, counts: search.Facets, locale: str
) -> FacetResult:
    brand_ids = [b for b, _ in counts.brands]
    category_ids = [c for c, _ in counts.categories]
    brands = [b for b in await q.brands_by_id(session, brand_ids) if b is not None]
    categories = [c for c in await q.categories_by_id(session, category_ids) if c is not None]
    texts = await q.entity_texts(
        session, [("brand", b.id) for b in brands] + [("category", c.id) for c in categories], locale
    )
    ctx.loaders.translations.prime_many(texts)
    ctx.cache_tags.update(f"brand:{b.id}" for b in brands)
    ctx.cache_tags.update(f"category:{c.id}" for c in categories)
    return FacetResult(counts, {b.id: b for b in brands}, {c.id: c for c in categories})


async def suggestions(
    ctx: Context, info: OperationInfo, query: str, first: int | None
) -> list[search.Suggestion]:
    scope = await catalog_scope(ctx, info)
    ctx.cache_tags.add(LISTINGS)
    size = min(max(first or 5, 0), 20)
    async with ctx.read_uow() as uow:
        return await search.suggest(
            uow.session, store_id=scope.store_id, locale=scope.locale, query=_text(query), first=size
        )


async def root_categories(ctx: Context) -> list[m.Category]:
    found: list[m.Category] = await ctx.loaders.categories_by_parent.load(q.ROOT)
    return found


async def children(ctx: Context, category_id: uuid.UUID) -> list[m.Category]:
    found: list[m.Category] = await ctx.loaders.categories_by_parent.load(category_id)
    return found


async def category_by_slug(ctx: Context, slug: str) -> m.Category | None:
    ctx.cache_tags.add("categories")
    async with ctx.read_uow() as uow:
        found = None if "\x00" in slug else await q.category_by_slug(uow.session, slug)
    if found is not None:
        ctx.cache_tags.add(f"category:{found.id}")
    return found


async def collection_by_slug(ctx: Context, slug: str) -> m.Collection | None:
    ctx.cache_tags.add("collections")
    async with ctx.read_uow() as uow:
        found = None if "\x00" in slug else await q.collection_by_slug(uow.session, slug)
    if found is not None:
        ctx.cache_tags.add(f"collection:{found.id}")
    return found


async def brand_by_slug(ctx: Context, slug: str) -> m.Brand | None:
    ctx.cache_tags.add("brands")
    async with ctx.read_uow() as uow:
        found = None if "\x00" in slug else await q.brand_by_slug(uow.session, slug)
    if found is not None:
        ctx.cache_tags.add(f"brand:{found.id}")
    return found


async def brands(ctx: Context) -> list[m.Brand]:
    ctx.cache_tags.add("brands")
    async with ctx.read_uow() as uow:
        return await q.all_brands(uow.session)


async def collections(ctx: Context) -> list[m.Collection]:
    ctx.cache_tags.add("collections")
    async with ctx.read_uow() as uow:
        return await q.all_collections(uow.session)


def _review_page(rows: list[m.Review], size: int, after: str | None) -> Page[m.Review]:
    return Page(
        items=[(encode_cursor(r.created_at, r.id), r) for r in rows[:size]],
        has_next_page=len(rows) > size,
        has_previous_page=after is not None,
    )


async def product_reviews(
    ctx: Context, info: OperationInfo, product_id: uuid.UUID, *, first: int | None, after: str | None
) -> Page[m.Review]:
    """Approved reviews of a visible product, newest first. The first page of many products is one batch."""
    size = page_size(first, ctx.default_page_size)
    (found,) = await products_by_id(ctx, info, [product_id])
    if found is None:
        return Page([], False, False)
    if after is None:
        rows: list[m.Review] = await ctx.loaders.reviews_by_product.load((product_id, size))
        return _review_page(rows, size, None)
    at: tuple[datetime, uuid.UUID] = decode_cursor(after)
    async with ctx.read_uow() as uow:
        rows = await q.approved_reviews(uow.session, product_id, first=size, after=at)
    return _review_page(rows, size, after)


def translated(
    ctx: Context, info: OperationInfo, entity_type: str, entity_id: uuid.UUID, field_name: str, base: str
) -> str:
    """A text field in the request's locale, or the base text when that locale has no translation.
    Synchronous once the scope and the texts are read, else an awaitable of it (see resolvers.ready)."""

    def pick(fields: dict[str, str] | None) -> str:
        value = (fields or {}).get(field_name)
        return value if value else base

    return then(
        scope_now(ctx, info),
        lambda scope: then(ctx.loaders.translations.now((entity_type, entity_id, scope.locale)), pick),
    )
