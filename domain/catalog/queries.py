"""Batch reads of the catalog for per-request loaders: one statement per batch, results in key order."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, any_, bindparam, cast, func, literal, or_, select, text
from sqlalchemy.dialects.postgresql import ARRAY as PG_ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute, aliased

from domain.catalog import models as m

T = TypeVar("T")


def _grouped(keys: Sequence[Any], rows: Sequence[tuple[Any, T]]) -> list[list[T]]:
    groups: dict[Any, list[T]] = defaultdict(list)
    for key, item in rows:
        groups[key].append(item)
    return [groups.get(k, []) for k in keys]


_UUIDS = PG_ARRAY(PG_UUID(as_uuid=True))


def _among(column: QueryableAttribute[uuid.UUID], ids: Sequence[uuid.UUID]) -> ColumnElement[bool]:
    # `= ANY(:array)`, one parameter: an IN list is rendered anew for every length of list, which costs a
    # page of products more in statement compilation than in the database.
    return column == any_(literal(list(ids), _UUIDS))


async def _by_id(session: AsyncSession, model: Any, ids: Sequence[uuid.UUID]) -> list[Any]:
    rows = {r.id: r for r in (await session.scalars(select(model).where(_among(model.id, ids)))).all()}
    return [rows.get(i) for i in ids]


async def products_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[m.Product | None]:
    return await _by_id(session, m.Product, ids)


async def brands_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[m.Brand | None]:
    return await _by_id(session, m.Brand, ids)


async def categories_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[m.Category | None]:
    return await _by_id(session, m.Category, ids)


async def categories_with_ancestors(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[m.Category]:
    """These categories and every one above them (what their breadcrumbs show), in one statement."""
    inner = aliased(m.Category)
    on_paths = select(
        cast(func.unnest(func.string_to_array(func.trim(inner.path, "/"), "/")), PG_UUID(as_uuid=True))
    ).where(_among(inner.id, ids))
    return list((await session.scalars(select(m.Category).where(m.Category.id.in_(on_paths)))).all())


async def collections_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[m.Collection | None]:
    return await _by_id(session, m.Collection, ids)


async def variants_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[m.ProductVariant | None]:
    return await _by_id(session, m.ProductVariant, ids)


async def media_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[m.ProductMedia | None]:
    return await _by_id(session, m.ProductMedia, ids)


async def reviews_by_id(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[m.Review | None]:
    return await _by_id(session, m.Review, ids)


async def product_id_by_slug(session: AsyncSession, slug: str) -> uuid.UUID | None:
    return await session.scalar(select(m.Product.id).where(m.Product.slug == slug))


async def variants_by_product(
    session: AsyncSession, product_ids: Sequence[uuid.UUID]
) -> list[list[m.ProductVariant]]:
    stmt = (
        select(m.ProductVariant)
        .where(_among(m.ProductVariant.product_id, product_ids))
        .order_by(m.ProductVariant.product_id, m.ProductVariant.position, m.ProductVariant.sku)
    )
    rows = (await session.scalars(stmt)).all()
    return _grouped(product_ids, [(v.product_id, v) for v in rows])


async def media_by_product(
    session: AsyncSession, product_ids: Sequence[uuid.UUID]
) -> list[list[m.ProductMedia]]:
    stmt = (
        select(m.ProductMedia)
        .where(_among(m.ProductMedia.product_id, product_ids))
        .order_by(m.ProductMedia.product_id, m.ProductMedia.position, m.ProductMedia.created_at)
    )
    rows = (await session.scalars(stmt)).all()
    return _grouped(product_ids, [(r.product_id, r) for r in rows])


async def options_by_product(
    session: AsyncSession, product_ids: Sequence[uuid.UUID]
) -> list[list[m.ProductOption]]:
    stmt = (
        select(m.ProductOption)
        .where(_among(m.ProductOption.product_id, product_ids))
        .order_by(m.ProductOption.product_id, m.ProductOption.position)
    )
    rows = (await session.scalars(stmt)).all()
    return _grouped(product_ids, [(r.product_id, r) for r in rows])


@dataclass(frozen=True)
class AttributeValue:
    attribute: m.Attribute
    values: list[str]


def _values_of(v: m.ProductAttributeValue) -> list[str]:
    if v.choice_values:
        return list(v.choice_values)
    for raw in (v.text_value, v.number_value, v.bool_value, v.date_value):
        if raw is not None:
            if isinstance(raw, bool):
                return ["true" if raw else "false"]
            if isinstance(raw, Decimal):
                return [format(raw.normalize(), "f")]
            return [str(raw)]
    return []


async def attributes_by_product(
    session: AsyncSession, product_ids: Sequence[uuid.UUID]
) -> list[list[AttributeValue]]:
    stmt = (
        select(m.ProductAttributeValue, m.Attribute)
        .join(m.Attribute, m.Attribute.id == m.ProductAttributeValue.attribute_id)
        .where(_among(m.ProductAttributeValue.product_id, product_ids))
        .order_by(m.ProductAttributeValue.product_id, m.Attribute.code)
    )
    rows = (await session.execute(stmt)).all()
    return _grouped(product_ids, [(v.product_id, AttributeValue(a, _values_of(v))) for v, a in rows])


async def prices_by_variant(
    session: AsyncSession, variant_ids: Sequence[uuid.UUID]
) -> list[list[m.VariantPrice]]:
    stmt = select(m.VariantPrice).where(_among(m.VariantPrice.variant_id, variant_ids))
    rows = (await session.scalars(stmt)).all()
    return _grouped(variant_ids, [(r.variant_id, r) for r in rows])


@dataclass(frozen=True)
class Stock:
    available: int
    unlimited: bool

    @property
    def for_sale(self) -> bool:
        return self.unlimited or self.available > 0


async def stock_by_variant(session: AsyncSession, variant_ids: Sequence[uuid.UUID]) -> list[Stock]:
    """Free units across locations (a location in deficit counts as none), or unlimited when the
    variant does not track inventory or allows backorder: the same rule as the read model."""
    free = func.coalesce(func.sum(func.greatest(m.StockLevel.on_hand - m.StockLevel.reserved, 0)), 0)
    backorder = func.coalesce(func.bool_or(m.StockLevel.allow_backorder), False)
    stmt = (
        select(m.ProductVariant.id, m.ProductVariant.track_inventory, free, backorder)
        .outerjoin(
            m.StockLevel,
            and_(
                m.StockLevel.variant_id == m.ProductVariant.id,
                m.StockLevel.store_id == m.ProductVariant.store_id,
            ),
        )
        .where(_among(m.ProductVariant.id, variant_ids))
        .group_by(m.ProductVariant.id)
    )
    found = {
        vid: Stock(available=int(n), unlimited=(not tracked) or bool(bo))
        for vid, tracked, n, bo in (await session.execute(stmt)).all()
    }
    return [found.get(v, Stock(0, False)) for v in variant_ids]


async def summaries_by_product(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, str]]
) -> list[m.ProductSummary | None]:
    """Read-model rows by (product id, locale)."""
    stmt = select(m.ProductSummary).where(
        _among(m.ProductSummary.product_id, [k for k, _ in keys]),
        m.ProductSummary.locale.in_(sorted({loc for _, loc in keys})),
    )
    rows = {(r.product_id, r.locale): r for r in (await session.scalars(stmt)).all()}
    return [rows.get(k) for k in keys]


async def price_ranges(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, str]]
) -> list[m.SummaryPrice | None]:
    """Min/max price by (product id, currency)."""
    stmt = select(m.SummaryPrice).where(
        _among(m.SummaryPrice.product_id, [k for k, _ in keys]),
        m.SummaryPrice.currency.in_(sorted({c for _, c in keys})),
    )
    rows = {(r.product_id, r.currency): r for r in (await session.scalars(stmt)).all()}
    return [rows.get(k) for k in keys]


async def summaries_and_ranges(
    session: AsyncSession, product_ids: Sequence[uuid.UUID], locale: str, currency: str
) -> tuple[list[m.ProductSummary | None], list[m.SummaryPrice | None]]:
    """`summaries_by_product` and `price_ranges` of the same products in one locale and currency, in one
    statement: each id joined to its read-model row and to its price range, either possibly missing."""
    k = func.unnest(literal(list(product_ids), _UUIDS)).table_valued("id").render_derived()
    stmt = (
        select(k.c.id, m.ProductSummary, m.SummaryPrice)
        .select_from(k)
        .outerjoin(
            m.ProductSummary,
            and_(m.ProductSummary.product_id == k.c.id, m.ProductSummary.locale == locale),
        )
        .outerjoin(
            m.SummaryPrice, and_(m.SummaryPrice.product_id == k.c.id, m.SummaryPrice.currency == currency)
        )
    )
    found = {pid: (summary, prices) for pid, summary, prices in (await session.execute(stmt)).all()}
    pairs = [found.get(pid, (None, None)) for pid in product_ids]
    return [s for s, _ in pairs], [r for _, r in pairs]


async def translations(
    session: AsyncSession, keys: Sequence[tuple[str, uuid.UUID, str]]
) -> list[dict[str, str] | None]:
    """Translated fields by (entity type, entity id, locale)."""
    t = m.Translation
    # By id (one array parameter) within the few types and locales, then the exact keys below.
    stmt = select(t.entity_type, t.entity_id, t.locale, t.fields).where(
        t.entity_type.in_(sorted({et for et, _, _ in keys})),
        _among(t.entity_id, [eid for _, eid, _ in keys]),
        t.locale.in_(sorted({loc for _, _, loc in keys})),
    )
    rows = {(et, eid, loc): fields for et, eid, loc, fields in (await session.execute(stmt)).all()}
    return [rows.get(k) for k in keys]


# The parent key of root categories (a loader key cannot be None).
ROOT = uuid.UUID(int=0)


async def categories_by_parent(
    session: AsyncSession, parent_ids: Sequence[uuid.UUID]
) -> list[list[m.Category]]:
    """Children in order; the ROOT key gives the root categories."""
    condition: ColumnElement[bool] = m.Category.parent_id.in_([p for p in parent_ids if p != ROOT])
    if ROOT in parent_ids:
        condition = or_(condition, m.Category.parent_id.is_(None))
    stmt = select(m.Category).where(condition).order_by(m.Category.position, m.Category.name, m.Category.id)
    rows = (await session.scalars(stmt)).all()
    return _grouped(parent_ids, [(c.parent_id or ROOT, c) for c in rows])


async def all_brands(session: AsyncSession) -> list[m.Brand]:
    return list((await session.scalars(select(m.Brand).order_by(m.Brand.name, m.Brand.id))).all())


async def all_collections(session: AsyncSession) -> list[m.Collection]:
    return list(
        (await session.scalars(select(m.Collection).order_by(m.Collection.name, m.Collection.id))).all()
    )


async def brand_by_slug(session: AsyncSession, slug: str) -> m.Brand | None:
    return await session.scalar(select(m.Brand).where(m.Brand.slug == slug))


async def category_by_slug(session: AsyncSession, slug: str) -> m.Category | None:
    return await session.scalar(select(m.Category).where(m.Category.slug == slug))


async def collection_by_slug(session: AsyncSession, slug: str) -> m.Collection | None:
    return await session.scalar(select(m.Collection).where(m.Collection.slug == slug))


async def approved_reviews(
    session: AsyncSession, product_id: uuid.UUID, *, first: int, after: tuple[datetime, uuid.UUID] | None
) -> list[m.Review]:
    """Approved reviews of a product, newest first; `first + 1` rows so the caller knows if more follow."""
    stmt = select(m.Review).where(
        m.Review.product_id == product_id, m.Review.status == m.ReviewStatus.APPROVED
    )
    if after is not None:
        at, ident = after
        stmt = stmt.where(or_(m.Review.created_at < at, and_(m.Review.created_at == at, m.Review.id < ident)))
    stmt = stmt.order_by(m.Review.created_at.desc(), m.Review.id.desc()).limit(first + 1)
    return list((await session.scalars(stmt)).all())


async def approved_reviews_by_product(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, int]]
) -> list[list[m.Review]]:
    """The newest approved reviews of many products at once, by (product id, how many): one statement."""
    limit = max((n for _, n in keys), default=0) + 1
    ranked = (
        select(
            m.Review,
            func.row_number()
            .over(partition_by=m.Review.product_id, order_by=(m.Review.created_at.desc(), m.Review.id.desc()))
            .label("rn"),
        )
        .where(
            m.Review.product_id.in_({k for k, _ in keys}),
            m.Review.status == m.ReviewStatus.APPROVED,
        )
        .subquery()
    )
    review = aliased(m.Review, ranked)
    stmt = select(review).where(ranked.c.rn <= limit).order_by(ranked.c.product_id, ranked.c.rn)
    rows = (await session.scalars(stmt)).all()
    by_product: dict[uuid.UUID, list[m.Review]] = defaultdict(list)
    for r in rows:
        by_product[r.product_id].append(r)
    return [by_product.get(pid, [])[: n + 1] for pid, n in keys]


_PRODUCT_TEXTS = text(
    """
    WITH ents AS (
        SELECT 'product' AS et, id AS eid FROM products WHERE store_id = :store AND id = ANY(:ids)
        UNION SELECT 'variant', id FROM product_variants WHERE store_id = :store AND product_id = ANY(:ids)
        UNION SELECT 'brand', brand_id FROM products
            WHERE store_id = :store AND id = ANY(:ids) AND brand_id IS NOT NULL
        UNION SELECT 'category', CAST(unnest(string_to_array(trim(BOTH '/' FROM c.path), '/')) AS uuid)
            FROM categories c JOIN products p ON p.category_id = c.id AND p.store_id = :store
            WHERE c.store_id = :store AND p.id = ANY(:ids)
    )
    SELECT ents.et, ents.eid, t.fields FROM ents
    LEFT JOIN translations t ON t.store_id = :store AND t.entity_type = ents.et AND t.entity_id = ents.eid
        AND t.locale = :locale
    """
).bindparams(bindparam("ids", type_=PG_ARRAY(PG_UUID(as_uuid=True))))


async def product_texts(
    session: AsyncSession, store_id: uuid.UUID, product_ids: Sequence[uuid.UUID], locale: str
) -> list[tuple[tuple[str, uuid.UUID, str], dict[str, str] | None]]:
    """Translations in one locale of everything a product page or listing shows: the products, their
    variants, brands and category paths. Missing ones come back as None, so a loader can be primed with
    both and never ask again."""
    rows = await session.execute(
        _PRODUCT_TEXTS, {"store": store_id, "ids": list(product_ids), "locale": locale}
    )
    return [((et, eid, locale), fields) for et, eid, fields in rows.all()]


async def entity_texts(
    session: AsyncSession, keys: Sequence[tuple[str, uuid.UUID]], locale: str
) -> list[tuple[tuple[str, uuid.UUID, str], dict[str, str] | None]]:
    """Translations of these (entity type, id) pairs in one locale, None where there is none."""
    if not keys:
        return []
    # Plain rows, not entities: a facet list names a few hundred brands and categories.
    t = m.Translation
    stmt = select(t.entity_type, t.entity_id, t.fields).where(
        t.entity_type.in_(sorted({et for et, _ in keys})),
        _among(t.entity_id, [eid for _, eid in keys]),
        t.locale == locale,
    )
    found = {(et, eid): fields for et, eid, fields in (await session.execute(stmt)).all()}
    return [((et, eid, locale), found.get((et, eid))) for et, eid in keys]
