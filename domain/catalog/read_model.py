"""The product read model: `product_summaries` (one row per product and store locale) and
`product_summary_prices` (min/max variant price per currency), rebuilt set-wise for a batch of products.

A batch costs a constant number of statements whatever its size: prices (through the pricing entry
point), summaries (upsert, so the
sales counter kept by orders survives), rule-based collection membership, and removal of rows whose
product or locale is gone.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import BigInteger, String, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from domain.catalog import events
from domain.catalog.collection_rules import rules_sql
from domain.pricing.engine import price_in_every_currency
from domain.uow import UnitOfWork

_IDS = bindparam("ids", type_=ARRAY(UUID(as_uuid=True)))

_DELETE_PRICES = text(
    "DELETE FROM product_summary_prices WHERE store_id = :store AND product_id = ANY(:ids)"
).bindparams(_IDS)

_VARIANTS = text(
    """
    SELECT v.id, v.product_id FROM product_variants v
    JOIN products p ON p.id = v.product_id AND p.store_id = :store
    WHERE v.store_id = :store AND v.product_id = ANY(:ids)
    """
).bindparams(_IDS)

# The ranges are what the pricing entry point answers for the anonymous shopper, one unit, now: the
# default list, public lists whose schedule is on, and conversions (domain.pricing.engine).
_INSERT_PRICES = text(
    """
    INSERT INTO product_summary_prices (store_id, product_id, currency, min_amount, max_amount)
    SELECT :store, r.product_id, r.currency, min(r.amount), max(r.amount)
    FROM unnest(:products, :currencies, :amounts) AS r(product_id, currency, amount)
    GROUP BY r.product_id, r.currency
    """
).bindparams(
    bindparam("products", type_=ARRAY(UUID(as_uuid=True))),
    bindparam("currencies", type_=ARRAY(String())),
    bindparam("amounts", type_=ARRAY(BigInteger())),
)

# Stock of a variant: unlimited when it does not track inventory or allows backorder, else the sum of
# what each location has free (a location in deficit does not eat another's stock).
_UPSERT_SUMMARIES = text(
    """
    WITH p AS (
        SELECT * FROM products WHERE store_id = :store AND id = ANY(:ids)
    ),
    loc AS (
        SELECT unnest(s.locales) AS locale FROM stores s WHERE s.id = :store
    ),
    vstock AS (
        SELECT v.id, v.product_id,
               (NOT v.track_inventory OR coalesce(bool_or(sl.allow_backorder), false)) AS unlimited,
               coalesce(sum(greatest(sl.on_hand - sl.reserved, 0)), 0) AS available
        FROM product_variants v
        LEFT JOIN stock_levels sl ON sl.variant_id = v.id AND sl.store_id = :store
        WHERE v.store_id = :store AND (
            v.product_id = ANY(:ids)
            OR v.id IN (SELECT variant_id FROM bundle_items
                        WHERE store_id = :store AND bundle_product_id = ANY(:ids))
        )
        GROUP BY v.id
    ),
    stock AS (
        SELECT product_id, bool_or(unlimited OR available > 0) AS in_stock
        FROM vstock WHERE product_id = ANY(:ids) GROUP BY product_id
    ),
    bundle_stock AS (
        SELECT bi.bundle_product_id AS product_id,
               bool_and(coalesce(vs.unlimited OR vs.available >= bi.quantity, false)) AS in_stock
        FROM bundle_items bi LEFT JOIN vstock vs ON vs.id = bi.variant_id
        WHERE bi.store_id = :store AND bi.bundle_product_id = ANY(:ids)
        GROUP BY bi.bundle_product_id
    ),
    skus AS (
        SELECT product_id, string_agg(sku, ' ' ORDER BY position) AS skus
        FROM product_variants WHERE store_id = :store AND product_id = ANY(:ids) GROUP BY product_id
    ),
    rating AS (
        SELECT product_id, avg(rating)::float AS avg, count(*) AS n
        FROM reviews WHERE store_id = :store AND product_id = ANY(:ids) AND status = 'approved'
        GROUP BY product_id
    ),
    image AS (
        SELECT DISTINCT ON (product_id) product_id, url, alt
        FROM product_media
        WHERE store_id = :store AND product_id = ANY(:ids) AND variant_id IS NULL
        ORDER BY product_id, position, created_at, id
    ),
    manual AS (
        SELECT product_id, array_agg(collection_id ORDER BY collection_id) AS ids
        FROM collection_products WHERE store_id = :store AND product_id = ANY(:ids) GROUP BY product_id
    ),
    attrs AS (
        SELECT pav.product_id, array_agg(DISTINCT a.code || ':' || val) AS vals
        FROM product_attribute_values pav
        JOIN attributes a ON a.id = pav.attribute_id AND a.store_id = :store
        CROSS JOIN LATERAL unnest(
            ARRAY[pav.text_value, trim_scale(pav.number_value)::text,
                  pav.bool_value::text, pav.date_value::text]
            || pav.choice_values
        ) AS val
        WHERE pav.store_id = :store AND pav.product_id = ANY(:ids) AND val IS NOT NULL AND val <> ''
        GROUP BY pav.product_id
    ),
    prices AS (
        SELECT product_id,
               jsonb_object_agg(currency, jsonb_build_object('min', min_amount, 'max', max_amount)) AS j
        FROM product_summary_prices WHERE store_id = :store AND product_id = ANY(:ids) GROUP BY product_id
    )
    INSERT INTO product_summaries (
        store_id, product_id, locale, status, published_at, title, slug, brand_id, brand_name, category_id,
        category_path, collection_ids, tags, attribute_values, prices, in_stock, rating_avg, rating_count,
        sales_count, primary_image_url, primary_image_alt, search_text, created_at, refreshed_at
    )
    SELECT :store, p.id, loc.locale, p.status, p.published_at,
           coalesce(nullif(pt.fields ->> 'title', ''), p.title),
           p.slug, p.brand_id,
           coalesce(nullif(bt.fields ->> 'name', ''), b.name),
           p.category_id, c.path,
           coalesce(manual.ids, '{}'), p.tags, coalesce(attrs.vals, '{}'), coalesce(prices.j, '{}'),
           CASE WHEN p.is_bundle THEN coalesce(bundle_stock.in_stock, false)
                ELSE coalesce(stock.in_stock, false) END,
           coalesce(rating.avg, 0), coalesce(rating.n, 0), 0,
           image.url, image.alt,
           -- Titles in the store's other languages too: a shopper on the Bengali storefront types
           -- "panjabi" in Latin letters as often as "পাঞ্জাবি".
           concat_ws(' ', coalesce(nullif(pt.fields ->> 'title', ''), p.title), skus.skus,
                     coalesce(nullif(bt.fields ->> 'name', ''), b.name), array_to_string(p.tags, ' '),
                     nullif(p.title, coalesce(nullif(pt.fields ->> 'title', ''), p.title)),
                     (SELECT string_agg(ot.fields ->> 'title', ' ') FROM translations ot
                      WHERE ot.store_id = :store AND ot.entity_type = 'product' AND ot.entity_id = p.id
                        AND ot.locale <> loc.locale)),
           p.created_at, now()
    FROM p CROSS JOIN loc
    LEFT JOIN translations pt ON pt.store_id = :store AND pt.entity_type = 'product'
         AND pt.entity_id = p.id AND pt.locale = loc.locale
    LEFT JOIN brands b ON b.id = p.brand_id AND b.store_id = :store
    LEFT JOIN translations bt ON bt.store_id = :store AND bt.entity_type = 'brand'
         AND bt.entity_id = p.brand_id AND bt.locale = loc.locale
    LEFT JOIN categories c ON c.id = p.category_id AND c.store_id = :store
    LEFT JOIN stock ON stock.product_id = p.id
    LEFT JOIN bundle_stock ON bundle_stock.product_id = p.id
    LEFT JOIN skus ON skus.product_id = p.id
    LEFT JOIN rating ON rating.product_id = p.id
    LEFT JOIN image ON image.product_id = p.id
    LEFT JOIN manual ON manual.product_id = p.id
    LEFT JOIN attrs ON attrs.product_id = p.id
    LEFT JOIN prices ON prices.product_id = p.id
    ON CONFLICT (product_id, locale) DO UPDATE SET
        status = excluded.status, published_at = excluded.published_at, title = excluded.title,
        slug = excluded.slug, brand_id = excluded.brand_id, brand_name = excluded.brand_name,
        category_id = excluded.category_id, category_path = excluded.category_path,
        collection_ids = excluded.collection_ids, tags = excluded.tags,
        attribute_values = excluded.attribute_values, prices = excluded.prices, in_stock = excluded.in_stock,
        rating_avg = excluded.rating_avg, rating_count = excluded.rating_count,
        primary_image_url = excluded.primary_image_url, primary_image_alt = excluded.primary_image_alt,
        search_text = excluded.search_text, created_at = excluded.created_at,
        refreshed_at = excluded.refreshed_at
    RETURNING product_id
    """
).bindparams(_IDS)

# Rows of deleted products, or of locales the store no longer supports.
_DELETE_STALE = text(
    """
    DELETE FROM product_summaries ps
    WHERE ps.store_id = :store AND ps.product_id = ANY(:ids) AND (
        NOT EXISTS (SELECT 1 FROM products p WHERE p.id = ps.product_id AND p.store_id = :store)
        OR ps.locale <> ALL (SELECT unnest(locales) FROM stores WHERE id = :store)
    )
    """
).bindparams(_IDS)

_RULE_COLLECTIONS = text(
    "SELECT id, rules FROM collections WHERE store_id = :store AND kind = 'rules' ORDER BY id"
)


# Workers refresh concurrently, and two refreshes of one product must not interleave: both would delete
# and re-insert its prices (a unique violation, seen with arq's concurrent jobs), and the one that read
# first could commit last, leaving stale rows. Each refresh first takes a transaction lock per product, in
# id order so overlapping batches cannot deadlock; every statement after it reads what committed before.
_LOCK_PRODUCTS = text(
    "SELECT count(pg_advisory_xact_lock(hashtextextended(id::text, 7))) FROM"
    " (SELECT id FROM unnest(:ids) AS id ORDER BY id) AS ordered"
).bindparams(_IDS)


async def refresh_products(uow: UnitOfWork, product_ids: list[uuid.UUID]) -> int:
    """Rebuild the read model of these products (deleted ones lose their rows); returns how many
    products still exist and were written. The caller commits."""
    ids = sorted(set(product_ids))
    if not ids:
        return 0
    session = uow.session
    params: dict[str, Any] = {"store": uow.store_id, "ids": ids}
    await session.execute(_LOCK_PRODUCTS, params)
    await session.execute(_DELETE_PRICES, params)
    await _insert_prices(uow, ids)
    written = {r[0] for r in (await session.execute(_UPSERT_SUMMARIES, params)).all()}
    await session.execute(_DELETE_STALE, params)
    rules = [(r.id, r.rules) for r in (await session.execute(_RULE_COLLECTIONS, {"store": uow.store_id}))]
    if rules and written:
        await _apply_rule_collections(uow, ids, rules)
    return len(written)


async def _insert_prices(uow: UnitOfWork, ids: list[uuid.UUID]) -> None:
    session = uow.session
    owner = {
        r.id: r.product_id for r in await session.execute(_VARIANTS, {"store": uow.store_id, "ids": ids})
    }
    quotes = await price_in_every_currency(session, uow.store_id, sorted(owner), at=uow.clock())
    if quotes:
        await session.execute(
            _INSERT_PRICES,
            {
                "store": uow.store_id,
                "products": [owner[r.variant_id] for r in quotes],
                "currencies": [r.unit.currency for r in quotes],
                "amounts": [r.unit.amount for r in quotes],
            },
        )


async def _apply_rule_collections(
    uow: UnitOfWork, ids: list[uuid.UUID], rules: list[tuple[uuid.UUID, dict[str, Any]]]
) -> None:
    """One UPDATE appends every rule-based collection a product matches to its collection_ids."""
    params: dict[str, Any] = {"store": uow.store_id, "ids": ids}
    cases = []
    for n, (collection_id, rule) in enumerate(rules):
        condition = rules_sql(rule, params, prefix=f"r{n}_")
        if condition is None:
            continue
        params[f"r{n}_id"] = collection_id
        cases.append(f"CASE WHEN {condition} THEN CAST(:r{n}_id AS uuid) END")
    if not cases:
        return
    stmt = text(
        "UPDATE product_summaries ps SET collection_ids = ps.collection_ids || "
        f"array_remove(ARRAY[{', '.join(cases)}]::uuid[], NULL) "
        "FROM products p WHERE p.id = ps.product_id AND p.store_id = :store "
        "AND ps.store_id = :store AND ps.product_id = ANY(:ids)"
    ).bindparams(_IDS)
    await uow.session.execute(stmt, params)


_BY_CATEGORY = text(
    """
    SELECT id FROM products WHERE store_id = :store AND category_id IN (
        SELECT id FROM categories WHERE store_id = :store AND path LIKE '%/' || :id || '/%')
    UNION SELECT product_id FROM product_summaries
    WHERE store_id = :store AND category_path LIKE '%/' || :id || '/%'
    """
)
_BY_BRAND = text(
    "SELECT id FROM products WHERE store_id = :store AND brand_id = CAST(:id AS uuid) "
    "UNION SELECT product_id FROM product_summaries WHERE store_id = :store AND brand_id = CAST(:id AS uuid)"
)
_BY_COLLECTION = text(
    """
    SELECT product_id FROM collection_products WHERE store_id = :store AND collection_id = CAST(:id AS uuid)
    UNION SELECT product_id FROM product_summaries
    WHERE store_id = :store AND collection_ids @> ARRAY[CAST(:id AS uuid)]
    """
)
_COLLECTION_KIND = text(
    "SELECT kind::text FROM collections WHERE store_id = :store AND id = CAST(:id AS uuid)"
)
_BY_ATTRIBUTE = text(
    "SELECT product_id FROM product_attribute_values"
    " WHERE store_id = :store AND attribute_id = CAST(:id AS uuid)"
)
_BY_PRODUCT_TYPE = text(
    "SELECT id FROM products WHERE store_id = :store AND product_type_id = CAST(:id AS uuid)"
)
_BY_VARIANT = text(
    "SELECT product_id FROM product_variants WHERE store_id = :store AND id = CAST(:id AS uuid)"
)
_ALL = text(
    "SELECT id FROM products WHERE store_id = :store"
    " UNION SELECT product_id FROM product_summaries WHERE store_id = :store"
)
# A bundle's stock follows its parts: products whose variants are parts of a bundle bring the bundle along.
_BUNDLES_OF = text(
    """
    SELECT DISTINCT bi.bundle_product_id FROM bundle_items bi
    JOIN product_variants v ON v.id = bi.variant_id AND v.store_id = :store
    WHERE bi.store_id = :store AND v.product_id = ANY(:ids)
    """
).bindparams(_IDS)


async def products_affected(uow: UnitOfWork, event_type: str, data: dict[str, Any]) -> list[uuid.UUID]:
    """Every product whose read-model rows this catalog event makes stale."""
    found: set[uuid.UUID] = set()
    for raw in events.affected_products(event_type, data):
        try:
            found.add(uuid.UUID(str(raw)))
        except ValueError:
            continue
    kind = event_type.split(".", 1)[0]
    entity_type, entity_id = kind, data.get("id")
    if kind == "translation":
        entity_type, entity_id = str(data.get("entity_type") or ""), data.get("entity_id")
    session, store = uow.session, uow.store_id
    if entity_id is not None:
        try:
            entity = str(uuid.UUID(str(entity_id)))
        except ValueError:
            entity = None
        if entity is not None:
            p = {"store": store, "id": entity}
            stmt = None
            if entity_type == "category":
                stmt = _BY_CATEGORY
            elif entity_type == "brand":
                stmt = _BY_BRAND
            elif entity_type == "attribute":
                stmt = _BY_ATTRIBUTE
            elif entity_type == "product_type":
                # A deleted type has already let go of its products (SET NULL): any of them may have moved.
                stmt = _ALL if event_type == events.PRODUCT_TYPE_DELETED else _BY_PRODUCT_TYPE
            elif entity_type == "variant" and kind == "translation":
                stmt = _BY_VARIANT
            elif entity_type == "product" and kind == "translation":
                found.add(uuid.UUID(entity))
            elif entity_type == "collection":
                collection_kind = await session.scalar(_COLLECTION_KIND, p)
                # A rule-based collection (or one deleted, whose rules are gone) may match any product.
                stmt = _ALL if collection_kind in (None, "rules") and kind == "collection" else _BY_COLLECTION
            if stmt is not None:
                found.update(r[0] for r in await session.execute(stmt, p))
    if found and kind in ("variant", "price", "stock", "product"):
        found.update(r[0] for r in await session.execute(_BUNDLES_OF, {"store": store, "ids": sorted(found)}))
    return sorted(found)


_STORE_PRODUCTS = text("SELECT id FROM products WHERE store_id = :store ORDER BY id")


async def product_ids_of_store(uow: UnitOfWork) -> list[uuid.UUID]:
    """Every product of the store, to rebuild the whole read model in batches."""
    return [r[0] for r in await uow.session.execute(_STORE_PRODUCTS, {"store": uow.store_id})]
