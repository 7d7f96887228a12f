"""Product listings, search, facets and suggestions: read only the read model (`product_summaries`,
`product_summary_prices`), one statement per answer.

Facets follow the usual rule: the counts of one dimension apply every filter except that dimension's own,
so choosing a brand still shows how many products the other brands have.
"""

from __future__ import annotations

import enum
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    Select,
    String,
    Text,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY as PG_ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession

from domain.catalog.models import Attribute, Category, ProductStatus, ProductSummary, SummaryPrice

ps = ProductSummary.__table__
sp = SummaryPrice.__table__.alias("sp")
# The price filter's own alias: the listing joins `sp` for sorting, and the filter must not correlate to it.
spf = SummaryPrice.__table__.alias("spf")

# Price facet edges in major units (times 100 for minor units): the same for every currency, as most shops'
# price filters are.
PRICE_EDGES = (0, 500, 1000, 2500, 5000, 10000, 25000)
# Search-as-you-type and typo tolerance: how alike a word of the query and of the text must be.
WORD_SIMILARITY = 0.5


class ProductSort(enum.StrEnum):
    RELEVANCE = "relevance"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    NEWEST = "newest"
    BEST_SELLING = "best_selling"
    RATING = "rating"
    TITLE = "title"


@dataclass(frozen=True)
class ProductFilter:
    category_id: uuid.UUID | None = None
    brand_ids: tuple[uuid.UUID, ...] = ()
    collection_id: uuid.UUID | None = None
    # "code:value"; values of one code are alternatives, different codes must all match.
    attributes: tuple[str, ...] = ()
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool | None = None
    # None: what a storefront may see (active and published). Admins name statuses.
    statuses: tuple[ProductStatus, ...] | None = None


@dataclass(frozen=True)
class Listing:
    store_id: uuid.UUID
    locale: str
    currency: str
    filter: ProductFilter = field(default_factory=ProductFilter)
    sort: ProductSort | None = None
    query: str | None = None


@dataclass(frozen=True)
class ListingPage:
    product_ids: list[uuid.UUID]
    total: int
    offset: int
    has_next_page: bool


@dataclass(frozen=True)
class PriceBucket:
    min_amount: int
    max_amount: int | None
    count: int


@dataclass(frozen=True)
class Facets:
    brands: list[tuple[uuid.UUID, int]]
    categories: list[tuple[uuid.UUID, int]]
    attributes: list[tuple[str, str, int]]
    prices: list[PriceBucket]


@dataclass(frozen=True)
class Suggestion:
    product_id: uuid.UUID
    title: str
    slug: str
    image_url: str | None


def _ts_config(locale: str) -> str:
    # Matches the generated search_vector column: English stemming for en*, plain words otherwise.
    return "english" if locale.lower().startswith("en") else "simple"


def _text_query(listing: Listing) -> ColumnElement[Any]:
    return func.websearch_to_tsquery(
        literal_column(f"'{_ts_config(listing.locale)}'::regconfig"), listing.query
    )


class _Conditions:
    """The WHERE clauses of a listing grouped by facet dimension."""

    def __init__(self, listing: Listing, category_path: str | None) -> None:
        f = listing.filter
        self.base: list[ColumnElement[bool]] = [
            ps.c.store_id == listing.store_id,
            ps.c.locale == listing.locale,
        ]
        if f.statuses is None:
            self.base.append(ps.c.status == ProductStatus.ACTIVE)
            self.base.append(or_(ps.c.published_at.is_(None), ps.c.published_at <= func.now()))
        else:
            self.base.append(ps.c.status.in_(list(f.statuses)))
        if f.collection_id is not None:
            self.base.append(
                ps.c.collection_ids.op("@>")(literal([f.collection_id], PG_ARRAY(PG_UUID(as_uuid=True))))
            )
        if f.in_stock is not None:
            self.base.append(ps.c.in_stock.is_(f.in_stock))
        if listing.query:
            self.base.append(
                or_(
                    ps.c.search_vector.op("@@")(_text_query(listing)),
                    literal(listing.query).op("<%")(ps.c.search_text),
                )
            )
        self.brand: list[ColumnElement[bool]] = []
        if f.brand_ids:
            self.brand.append(ps.c.brand_id.in_(list(f.brand_ids)))
        self.category: list[ColumnElement[bool]] = []
        if f.category_id is not None:
            # An unknown category matches nothing rather than everything.
            self.category.append(_under(category_path) if category_path else false())
        self.price: list[ColumnElement[bool]] = []
        if f.price_min is not None or f.price_max is not None:
            bounds = [spf.c.product_id == ps.c.product_id, spf.c.currency == listing.currency]
            if f.price_min is not None:
                bounds.append(spf.c.min_amount >= f.price_min)
            if f.price_max is not None:
                bounds.append(spf.c.min_amount <= f.price_max)
            self.price.append(exists().where(*bounds))
        by_code: dict[str, list[str]] = defaultdict(list)
        for value in f.attributes:
            by_code[value.split(":", 1)[0]].append(value)
        self.attributes: dict[str, ColumnElement[bool]] = {
            code: ps.c.attribute_values.op("&&")(literal(values, PG_ARRAY(String())))
            for code, values in by_code.items()
        }

    def all(self, *, without: str = "") -> list[ColumnElement[bool]]:
        out = list(self.base)
        if without != "brand":
            out += self.brand
        if without != "category":
            out += self.category
        if without != "price":
            out += self.price
        out += [c for code, c in self.attributes.items() if without != f"attribute:{code}"]
        return out


def _under(path: str) -> ColumnElement[bool]:
    """Paths starting with `path`, as a range the text_pattern_ops index answers (a LIKE on a bound
    parameter cannot use it in a generic plan). Paths are ASCII and end with "/", so the upper bound is
    the path with its last character incremented."""
    upper = path[:-1] + chr(ord(path[-1]) + 1)
    return and_(ps.c.category_path.op("~>=~")(path), ps.c.category_path.op("~<~")(upper))


async def _category_path(session: AsyncSession, listing: Listing) -> str | None:
    if listing.filter.category_id is None:
        return None
    return await session.scalar(
        select(Category.path).where(
            Category.store_id == listing.store_id, Category.id == listing.filter.category_id
        )
    )


def _by_price(listing: Listing) -> bool:
    return listing.sort in (ProductSort.PRICE_ASC, ProductSort.PRICE_DESC)


def _ordering(listing: Listing) -> list[Any]:
    sort = listing.sort or (ProductSort.RELEVANCE if listing.query else ProductSort.NEWEST)
    price = sp.c.min_amount
    if sort is ProductSort.RELEVANCE and listing.query:
        rank = func.ts_rank_cd(ps.c.search_vector, _text_query(listing)) + func.word_similarity(
            listing.query, ps.c.search_text
        )
        keys: list[Any] = [rank.desc()]
    elif sort is ProductSort.PRICE_ASC:
        keys = [price.asc().nulls_last()]
    elif sort is ProductSort.PRICE_DESC:
        keys = [price.desc().nulls_last()]
    elif sort is ProductSort.BEST_SELLING:
        keys = [ps.c.sales_count.desc()]
    elif sort is ProductSort.RATING:
        keys = [ps.c.rating_avg.desc(), ps.c.rating_count.desc()]
    elif sort is ProductSort.TITLE:
        keys = [ps.c.title.asc()]
    else:
        keys = [ps.c.created_at.desc()]
    return [*keys, ps.c.product_id]


async def _fuzzy_threshold(session: AsyncSession) -> None:
    # A transaction-local setting: the `<%` operator (and its trigram index) reads it.
    await session.execute(
        text("SELECT set_config('pg_trgm.word_similarity_threshold', :t, true)"), {"t": str(WORD_SIMILARITY)}
    )


async def _prepare(session: AsyncSession, listing: Listing) -> _Conditions:
    if listing.query:
        await _fuzzy_threshold(session)
    return _Conditions(listing, await _category_path(session, listing))


def _page_select(listing: Listing, where: _Conditions, *, first: int, offset: int) -> Select[Any]:
    source: Any = ps
    if _by_price(listing):
        source = ps.outerjoin(sp, and_(sp.c.product_id == ps.c.product_id, sp.c.currency == listing.currency))
    return (
        select(ps.c.product_id, func.count().over().label("total"))
        .select_from(source)
        .where(*where.all())
        .order_by(*_ordering(listing))
        .offset(offset)
        .limit(first + 1)
    )


async def _page(
    session: AsyncSession, where: _Conditions, ids: list[uuid.UUID], total: int, *, first: int, offset: int
) -> ListingPage:
    if not ids and offset > 0:
        # Past the end: the window count had no row to ride on.
        total = int(await session.scalar(select(func.count()).select_from(ps).where(*where.all())) or 0)
    return ListingPage(
        product_ids=ids[:first], total=int(total), offset=offset, has_next_page=len(ids) > first
    )


async def list_products(
    session: AsyncSession, listing: Listing, *, first: int, offset: int = 0
) -> ListingPage:
    """One page of product ids in order, with the total matching count."""
    where = await _prepare(session, listing)
    rows = (await session.execute(_page_select(listing, where, first=first, offset=offset))).all()
    total = rows[0].total if rows else 0
    return await _page(session, where, [r.product_id for r in rows], total, first=first, offset=offset)


async def facet_counts(session: AsyncSession, listing: Listing) -> Facets:
    """Counts per brand, category (a product counts for each ancestor), attribute value and price bucket."""
    where = await _prepare(session, listing)
    _match_once(listing, where)
    rows = (await session.execute(union_all(*_facet_parts(listing, where)))).all()
    return _facets(rows)


async def list_with_facets(
    session: AsyncSession, listing: Listing, *, first: int, offset: int = 0
) -> tuple[ListingPage, Facets]:
    """`list_products` and `facet_counts` in one statement: the page's rows (in order, with the total) ride
    in the facets' UNION ALL, and a text query is matched once for both."""
    where = await _prepare(session, listing)
    _match_once(listing, where)
    page = _page_select(listing, where, first=first, offset=offset).add_columns(
        func.row_number().over(order_by=_ordering(listing)).label("pos")
    )
    # A window over the ordered page numbers its rows; the UNION ALL below keeps no order of its own.
    inner = page.subquery("page")
    parts: list[Any] = [
        select(literal("page"), inner.c.product_id.cast(Text), inner.c.total, inner.c.pos),
        *(p.add_columns(literal(None, BigInteger)) for p in _facet_parts(listing, where)),
    ]
    rows = (await session.execute(union_all(*parts))).all()
    ordered = sorted((r for r in rows if r[0] == "page"), key=lambda r: r[3])
    total = ordered[0][2] if ordered else 0
    ids = [uuid.UUID(r[1]) for r in ordered]
    listing_page = await _page(session, where, ids, total, first=first, offset=offset)
    return listing_page, _facets([r[:3] for r in rows if r[0] != "page"])


def _match_once(listing: Listing, where: _Conditions) -> None:
    if listing.query:
        # The text match is the dear condition, and the same for every dimension: evaluate it once.
        matching = select(ps.c.product_id).where(*where.base).cte("matching").prefix_with("MATERIALIZED")
        where.base = [
            ps.c.store_id == listing.store_id,
            ps.c.locale == listing.locale,
            ps.c.product_id.in_(select(matching.c.product_id)),
        ]


def _facet_parts(listing: Listing, where: _Conditions) -> list[Any]:
    brand = (
        select(literal("brand").label("kind"), ps.c.brand_id.cast(Text).label("key"), func.count())
        .where(*where.all(without="brand"), ps.c.brand_id.is_not(None))
        .group_by(ps.c.brand_id)
    )
    segment = (
        func.unnest(func.string_to_array(func.trim(ps.c.category_path, "/"), "/"))
        .table_valued("seg")
        .render_derived()
    )
    category = (
        select(literal("category"), segment.c.seg, func.count())
        .select_from(ps.join(segment, true()))
        .where(*where.all(without="category"), ps.c.category_path.is_not(None))
        .group_by(segment.c.seg)
    )
    parts: list[Any] = [brand, category]
    values = func.unnest(ps.c.attribute_values).table_valued("val").render_derived()
    value = values.c.val
    # Only attributes the merchant marked filterable become facets (the same statement, no extra trip).
    filterable = select(Attribute.code).where(Attribute.filterable.is_(True))
    unfiltered = (
        select(literal("attribute"), value, func.count())
        .select_from(ps.join(values, true()))
        .where(*where.all(), func.split_part(value, ":", 1).in_(filterable))
        .group_by(value)
    )
    for code in list(where.attributes):
        unfiltered = unfiltered.where(~value.startswith(f"{code}:", autoescape=True))
        parts.append(
            select(literal("attribute"), value, func.count())
            .select_from(ps.join(values, true()))
            .where(*where.all(without=f"attribute:{code}"), value.startswith(f"{code}:", autoescape=True))
            .group_by(value)
        )
    parts.append(unfiltered)
    bucket = func.width_bucket(sp.c.min_amount, literal(_EDGES, ARRAY(BigInteger)))
    parts.append(
        select(literal("price"), bucket.cast(Text), func.count())
        .select_from(ps.join(sp, and_(sp.c.product_id == ps.c.product_id, sp.c.currency == listing.currency)))
        .where(*where.all(without="price"))
        .group_by(bucket)
    )
    return parts


_EDGES = [e * 100 for e in PRICE_EDGES]


def _facets(rows: Any) -> Facets:
    brands: list[tuple[uuid.UUID, int]] = []
    categories: list[tuple[uuid.UUID, int]] = []
    attributes: list[tuple[str, str, int]] = []
    prices: list[PriceBucket] = []
    for k, raw, n in rows:
        if k == "brand":
            brands.append((uuid.UUID(raw), n))
        elif k == "category":
            categories.append((uuid.UUID(raw), n))
        elif k == "attribute":
            code, _, val = raw.partition(":")
            attributes.append((code, val, n))
        else:
            i = int(raw)
            prices.append(PriceBucket(_EDGES[i - 1], _EDGES[i] if i < len(_EDGES) else None, n))
    brands.sort(key=lambda b: (-b[1], str(b[0])))
    categories.sort(key=lambda c: (-c[1], str(c[0])))
    attributes.sort(key=lambda a: (a[0], -a[2], a[1]))
    prices.sort(key=lambda p: p.min_amount)
    return Facets(brands=brands, categories=categories, attributes=attributes, prices=prices)


async def suggest(
    session: AsyncSession, *, store_id: uuid.UUID, locale: str, query: str, first: int = 5
) -> list[Suggestion]:
    """Search-as-you-type over titles: those starting with what was typed first, then the most alike
    (typos included)."""
    q = query.strip()
    if not q:
        return []
    await _fuzzy_threshold(session)
    prefix = ps.c.title.ilike(_escape_like(q) + "%", escape="\\")
    stmt = (
        select(ps.c.product_id, ps.c.title, ps.c.slug, ps.c.primary_image_url)
        .where(
            ps.c.store_id == store_id,
            ps.c.locale == locale,
            ps.c.status == ProductStatus.ACTIVE,
            or_(ps.c.published_at.is_(None), ps.c.published_at <= func.now()),
            or_(prefix, literal(q).op("<%")(ps.c.title)),
        )
        .order_by(
            case((prefix, 0), else_=1),
            func.word_similarity(q, ps.c.title).desc(),
            ps.c.title,
            ps.c.product_id,
        )
        .limit(first)
    )
    return [
        Suggestion(r.product_id, r.title, r.slug, r.primary_image_url) for r in await session.execute(stmt)
    ]


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
