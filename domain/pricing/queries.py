"""The pricing engine's one batch read: for any number of variants, a single statement returns every
candidate price and tier of the lists that apply, each row carrying the store's pricing context (default
currency, settings, rates) and the variant's tax rate for the region. The store id is explicit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.ext.asyncio import AsyncSession

# ctx: the store's pricing context; the customer's groups join the groups given.
# lists: the default list, and every active list whose schedule covers `at` and that is for everybody
#   (no audience rows) or for one of the audience's groups or segments. The default list's prices are
#   catalog's variant_prices; a store may not have its default row yet (its tiers need it, its prices not).
# tax: a variant's class is its product's, else the store's default class; a division's rate beats its
#   country's; the region is the one asked for, else the store's.
_LOAD = text(
    """
    WITH ctx AS (
        SELECT s.default_currency, s.currencies,
               coalesce(ps.prices_include_tax, true) AS prices_include_tax,
               coalesce(CAST(:country AS text), ps.tax_country, 'BD') AS tax_country,
               CASE WHEN CAST(:country AS text) IS NULL THEN ps.tax_division
                    ELSE CAST(:division AS text) END AS tax_division,
               coalesce(ps.rounding_steps, '{}'::jsonb) AS rounding_steps,
               (SELECT coalesce(jsonb_object_agg(r.currency, r.rate::text), '{}'::jsonb)
                  FROM currency_rates r WHERE r.store_id = :store) AS rates,
               :groups || ARRAY(
                   SELECT m.group_id FROM customer_group_members m
                   WHERE m.store_id = :store AND m.customer_id = CAST(:customer AS uuid)) AS groups
        FROM stores s LEFT JOIN pricing_settings ps ON ps.store_id = s.id
        WHERE s.id = :store
    ),
    lists AS (
        SELECT l.id, l.code, l.name, l.is_default, l.priority, l.starts_at, l.ends_at
        FROM price_lists l
        WHERE l.store_id = :store AND (l.is_default OR (
            l.active
            AND (l.starts_at IS NULL OR l.starts_at <= :at) AND (l.ends_at IS NULL OR l.ends_at > :at)
            AND (NOT EXISTS (SELECT 1 FROM price_list_audiences a
                             WHERE a.store_id = :store AND a.price_list_id = l.id)
                 OR EXISTS (SELECT 1 FROM price_list_audiences a
                            WHERE a.store_id = :store AND a.price_list_id = l.id
                              AND (a.customer_group_id IN (SELECT unnest(groups) FROM ctx)
                                   OR a.segment_id = ANY(:segments))))))
    ),
    cand AS (
        SELECT l.id AS list_id, l.code, l.name, false AS is_default, l.priority, l.starts_at, l.ends_at,
               p.variant_id, p.currency, 1 AS min_quantity, p.amount, p.compare_at_amount
        FROM price_list_prices p JOIN lists l ON l.id = p.price_list_id AND NOT l.is_default
        WHERE p.store_id = :store AND p.variant_id = ANY(:ids)
        UNION ALL
        SELECT d.id, coalesce(d.code, 'default'), coalesce(d.name, 'Default'), true, 0,
               CAST(NULL AS timestamptz), CAST(NULL AS timestamptz),
               vp.variant_id, vp.currency, 1, vp.amount, vp.compare_at_amount
        FROM variant_prices vp LEFT JOIN lists d ON d.is_default
        WHERE vp.store_id = :store AND vp.variant_id = ANY(:ids)
        UNION ALL
        SELECT l.id, l.code, l.name, l.is_default, l.priority, l.starts_at, l.ends_at,
               t.variant_id, t.currency, t.min_quantity, t.amount, NULL
        FROM price_tiers t JOIN lists l ON l.id = t.price_list_id
        WHERE t.store_id = :store AND t.variant_id = ANY(:ids)
    ),
    tax AS (
        SELECT v.id AS variant_id, tc.code AS tax_class, tr.percent
        FROM product_variants v
        LEFT JOIN product_tax_classes ptc ON ptc.store_id = :store AND ptc.product_id = v.product_id
        LEFT JOIN tax_classes tc ON tc.store_id = :store
             AND tc.id = coalesce(ptc.tax_class_id,
                                  (SELECT id FROM tax_classes WHERE store_id = :store AND is_default))
        LEFT JOIN LATERAL (
            SELECT r.percent FROM tax_rates r, ctx
            WHERE r.store_id = :store AND r.tax_class_id = tc.id AND r.country = ctx.tax_country
              AND (r.division IS NULL OR r.division = ctx.tax_division)
            ORDER BY r.division IS NULL LIMIT 1
        ) tr ON true
        WHERE v.store_id = :store AND v.id = ANY(:ids)
    )
    SELECT cand.*, ctx.*, tax.tax_class, tax.percent
    FROM cand CROSS JOIN ctx LEFT JOIN tax ON tax.variant_id = cand.variant_id
    """
).bindparams(
    bindparam("ids", type_=ARRAY(UUID(as_uuid=True))),
    bindparam("groups", type_=ARRAY(UUID(as_uuid=True))),
    bindparam("segments", type_=ARRAY(UUID(as_uuid=True))),
)


@dataclass(frozen=True)
class StoreContext:
    default_currency: str
    currencies: list[str]
    prices_include_tax: bool
    tax_country: str
    tax_division: str | None
    rounding_steps: dict[str, int]
    rates: dict[str, Decimal]


@dataclass
class ListPrices:
    """What one list says about one variant: base price and tiers per currency."""

    list_id: uuid.UUID | None
    code: str
    name: str
    is_default: bool
    priority: int
    starts_at: datetime | None
    ends_at: datetime | None
    base: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    tiers: dict[str, list[tuple[int, int]]] = field(default_factory=dict)


@dataclass(frozen=True)
class TaxInfo:
    tax_class: str | None
    percent: Decimal


@dataclass
class Loaded:
    """None context: none of the variants has a price anywhere (nothing else is needed then)."""

    context: StoreContext | None = None
    lists: dict[uuid.UUID, list[ListPrices]] = field(default_factory=dict)
    taxes: dict[uuid.UUID, TaxInfo] = field(default_factory=dict)


async def load(
    session: AsyncSession,
    store_id: uuid.UUID,
    variant_ids: Sequence[uuid.UUID],
    *,
    at: datetime,
    customer_id: uuid.UUID | None,
    groups: Sequence[uuid.UUID],
    segments: Sequence[uuid.UUID],
    country: str | None,
    division: str | None,
) -> Loaded:
    params: dict[str, Any] = {
        "store": store_id,
        "ids": list(variant_ids),
        "at": at,
        "customer": str(customer_id) if customer_id else None,
        "groups": list(groups),
        "segments": list(segments),
        "country": country,
        "division": division,
    }
    out = Loaded()
    found: dict[uuid.UUID, dict[Any, ListPrices]] = {}
    for r in await session.execute(_LOAD, params):
        if out.context is None:
            out.context = StoreContext(
                default_currency=r.default_currency,
                currencies=list(r.currencies),
                prices_include_tax=r.prices_include_tax,
                tax_country=r.tax_country,
                tax_division=r.tax_division,
                rounding_steps={str(k): int(v) for k, v in r.rounding_steps.items()},
                rates={str(k): Decimal(v) for k, v in r.rates.items()},
            )
        out.taxes[r.variant_id] = TaxInfo(
            r.tax_class, Decimal(r.percent) if r.percent is not None else Decimal(0)
        )
        key = "default" if r.is_default else r.list_id
        lists = found.setdefault(r.variant_id, {})
        entry = lists.get(key)
        if entry is None:
            entry = lists[key] = ListPrices(
                list_id=r.list_id,
                code=r.code,
                name=r.name,
                is_default=r.is_default,
                priority=r.priority,
                starts_at=r.starts_at,
                ends_at=r.ends_at,
            )
        if r.min_quantity == 1:
            entry.base[r.currency] = (int(r.amount), r.compare_at_amount)
        else:
            entry.tiers.setdefault(r.currency, []).append((r.min_quantity, int(r.amount)))
    out.lists = {vid: list(lists.values()) for vid, lists in found.items()}
    return out
