"""The one pricing entry point: `price_many` (and `price` for one) answers, for each (variant, quantity,
currency), the unit price, the list it came from, compare-at, tax both ways and the reason, for an
audience (a customer, or groups and segments) at a time.

Rules, in order:
1. Lists that apply: the default list, plus every active named list whose schedule covers the time and
   that is for everybody or for one of the audience's groups or segments.
2. Among them the highest priority list that prices the variant wins (ties: the lower code); the default
   list is the fallback whatever its priority.
3. Within that list an explicit price in the currency wins; otherwise the list's price in the store's
   default currency is converted at the store's rate and rounded to the currency's step.
4. The quantity picks the highest tier at or below it (the break at 1 is the list's own price).
5. Tax: the variant's product class (else the store's default class) at the region's rate; prices are
   taken as tax-inclusive or exclusive per the store's setting.

One statement whatever the number of variants (`domain.pricing.queries`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from domain.money import Money, convert
from domain.pricing import queries as q
from domain.pricing.support import default_list_id
from domain.pricing.tax_math import LineTax, split


@dataclass(frozen=True)
class Audience:
    """Who is buying: a customer (whose groups are read), and/or groups and segments given directly."""

    customer_id: uuid.UUID | None = None
    group_ids: frozenset[uuid.UUID] = frozenset()
    segment_ids: frozenset[uuid.UUID] = frozenset()


ANONYMOUS = Audience()


@dataclass(frozen=True)
class PriceRequest:
    variant_id: uuid.UUID
    quantity: int = 1
    currency: str | None = None  # the store's default when None


@dataclass(frozen=True)
class Region:
    country: str
    division: str | None = None


@dataclass(frozen=True)
class TaxAmounts:
    tax_class: str | None
    percent: Decimal
    prices_include_tax: bool
    unit: LineTax
    line: LineTax


@dataclass(frozen=True)
class PriceResult:
    variant_id: uuid.UUID
    quantity: int
    unit: Money
    compare_at: Money | None
    list_id: uuid.UUID | None
    list_code: str
    list_name: str
    tier_min_quantity: int
    converted_from: str | None
    rate: Decimal | None
    starts_at: datetime | None
    ends_at: datetime | None
    tax: TaxAmounts
    reason: str

    @property
    def line_total(self) -> Money:
        return self.unit.times(self.quantity)


async def price_many(
    session: AsyncSession,
    store_id: uuid.UUID,
    requests: Sequence[PriceRequest],
    *,
    at: datetime,
    audience: Audience = ANONYMOUS,
    region: Region | None = None,
) -> list[PriceResult | None]:
    """Results in request order; None where the variant has no price in the currency and none that can
    be converted to it."""
    if not requests:
        return []
    ctx, found, taxes, where = await _load(
        session, store_id, {r.variant_id for r in requests}, at=at, audience=audience, region=region
    )
    if ctx is None:
        return [None] * len(requests)
    return [_resolve(ctx, r, found.get(r.variant_id, []), taxes.get(r.variant_id), where) for r in requests]


async def price(
    session: AsyncSession,
    store_id: uuid.UUID,
    request: PriceRequest,
    *,
    at: datetime,
    audience: Audience = ANONYMOUS,
    region: Region | None = None,
) -> PriceResult | None:
    """`price_many` for one request."""
    (result,) = await price_many(session, store_id, [request], at=at, audience=audience, region=region)
    return result


async def price_in_every_currency(
    session: AsyncSession,
    store_id: uuid.UUID,
    variant_ids: Sequence[uuid.UUID],
    *,
    at: datetime,
    audience: Audience = ANONYMOUS,
) -> list[PriceResult]:
    """The quantity-1 price of each variant in each currency the store sells in (where it has one):
    what the read model's price ranges hold. The same one statement as `price_many`."""
    if not variant_ids:
        return []
    ctx, found, taxes, where = await _load(session, store_id, set(variant_ids), at=at, audience=audience)
    if ctx is None:
        return []
    # The store's currencies, and any other a price was entered in (before the store dropped it).
    explicit = {c for lists in found.values() for entry in lists for c in entry.base}
    currencies = sorted(set(ctx.currencies) | explicit)
    results = (
        _resolve(ctx, PriceRequest(vid, 1, currency), found.get(vid, []), taxes.get(vid), where)
        for vid in variant_ids
        for currency in currencies
    )
    return [r for r in results if r is not None]


async def _load(
    session: AsyncSession,
    store_id: uuid.UUID,
    variant_ids: set[uuid.UUID],
    *,
    at: datetime,
    audience: Audience,
    region: Region | None = None,
) -> tuple[q.StoreContext | None, dict[uuid.UUID, list[q.ListPrices]], dict[uuid.UUID, q.TaxInfo], Region]:
    loaded = await q.load(
        session,
        store_id,
        sorted(variant_ids),
        at=at,
        customer_id=audience.customer_id,
        groups=sorted(audience.group_ids),
        segments=sorted(audience.segment_ids),
        country=region.country if region else None,
        division=region.division if region else None,
    )
    ctx = loaded.context
    default_id = default_list_id(store_id)
    for lists in loaded.lists.values():
        for entry in lists:
            if entry.is_default and entry.list_id is None:
                entry.list_id = default_id
    where = region or (Region(ctx.tax_country, ctx.tax_division) if ctx else Region("BD"))
    return ctx, loaded.lists, loaded.taxes, where


def _ordered(lists: list[q.ListPrices]) -> list[q.ListPrices]:
    named = sorted((x for x in lists if not x.is_default), key=lambda x: (-x.priority, x.code))
    return named + [x for x in lists if x.is_default]


def _resolve(
    ctx: q.StoreContext,
    request: PriceRequest,
    lists: list[q.ListPrices],
    tax: q.TaxInfo | None,
    region: Region,
) -> PriceResult | None:
    currency = request.currency or ctx.default_currency
    quantity = max(request.quantity, 1)
    base_currency = ctx.default_currency
    rate = ctx.rates.get(currency)
    step = ctx.rounding_steps.get(currency, 1)
    for entry in _ordered(lists):
        explicit = currency in entry.base
        if not explicit and (base_currency not in entry.base or rate is None or currency == base_currency):
            continue
        source = currency if explicit else base_currency
        amount, compare_at = entry.base[source]
        tier_min = 1
        for min_quantity, tier_amount in sorted(entry.tiers.get(source, [])):
            if min_quantity <= quantity:
                amount, tier_min = tier_amount, min_quantity
        reasons = [
            f"list {entry.code}" + (" (default)" if entry.is_default else f" priority {entry.priority}")
        ]
        if entry.starts_at or entry.ends_at:
            reasons.append(f"scheduled {_when(entry.starts_at)}..{_when(entry.ends_at)}")
        if tier_min > 1:
            reasons.append(f"tier from {tier_min} units")
        if not explicit:
            assert rate is not None
            amount = convert(amount, base_currency, currency, rate, step=step)
            if compare_at is not None:
                compare_at = convert(compare_at, base_currency, currency, rate, step=step)
            reasons.append(
                f"converted from {base_currency} at {rate}" + (f", step {step}" if step > 1 else "")
            )
        # A compare-at at or below the (tier) price is not a discount to show.
        shown_compare = compare_at if compare_at is not None and compare_at > amount else None
        percent = tax.percent if tax else Decimal(0)
        included = ctx.prices_include_tax
        reasons.append(
            f"tax {percent}% {'included' if included else 'added'} ({region.country}"
            + (f"-{region.division}" if region.division else "")
            + ")"
        )
        return PriceResult(
            variant_id=request.variant_id,
            quantity=quantity,
            unit=Money(amount, currency),
            compare_at=Money(shown_compare, currency) if shown_compare is not None else None,
            list_id=entry.list_id,
            list_code=entry.code,
            list_name=entry.name,
            tier_min_quantity=tier_min,
            converted_from=None if explicit else base_currency,
            rate=None if explicit else rate,
            starts_at=entry.starts_at,
            ends_at=entry.ends_at,
            tax=TaxAmounts(
                tax_class=tax.tax_class if tax else None,
                percent=percent,
                prices_include_tax=included,
                unit=split(amount, percent, included=included),
                line=split(amount * quantity, percent, included=included),
            ),
            reason="; ".join(reasons),
        )
    return None


def _when(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""
