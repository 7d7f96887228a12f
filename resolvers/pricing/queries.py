"""Admin reads of pricing: lists with their audiences, rates, tax, settings, groups, and the reasoned
price quote. Each opens a read unit of work; nothing here writes (the default list before its row exists
is shown as it will be)."""

from __future__ import annotations

import uuid
from datetime import datetime

from domain.customers.models import CustomerGroup
from domain.customers.services import groups, members
from domain.db import utcnow
from domain.pricing.engine import Audience, PriceRequest, PriceResult, Region, price
from domain.pricing.lists import audiences_of, list_price_lists, tiers_of
from domain.pricing.models import (
    CurrencyRate,
    PriceList,
    PriceListAudience,
    PricingSettings,
    TaxClass,
    TaxRate,
)
from domain.pricing.rates import current_rates
from domain.pricing.settings import pricing_settings
from domain.pricing.tax import tax_classes
from resolvers.context import Context
from resolvers.ids import decode_global_id


async def price_lists(ctx: Context) -> list[tuple[PriceList, list[PriceListAudience]]]:
    async with ctx.read_uow() as uow:
        rows = await list_price_lists(uow)
        audiences = await audiences_of(uow, [r.id for r in rows])
    return [(r, audiences.get(r.id, [])) for r in rows]


async def price_tiers(
    ctx: Context, *, price_list_id: str, variant_id: str, currency: str
) -> list[tuple[int, int]]:
    list_id = decode_global_id(price_list_id, "PriceList")
    vid = decode_global_id(variant_id, "ProductVariant")
    if list_id is None or vid is None:
        return []
    async with ctx.read_uow() as uow:
        return await tiers_of(uow, list_id, vid, currency)


async def currency_rates(ctx: Context) -> list[CurrencyRate]:
    async with ctx.read_uow() as uow:
        return await current_rates(uow)


async def taxes(ctx: Context) -> list[tuple[TaxClass, list[TaxRate]]]:
    async with ctx.read_uow() as uow:
        return await tax_classes(uow)


async def settings(ctx: Context) -> PricingSettings:
    async with ctx.read_uow() as uow:
        return await pricing_settings(uow)


async def customer_groups(ctx: Context) -> list[tuple[CustomerGroup, list[uuid.UUID]]]:
    async with ctx.read_uow() as uow:
        found = await groups(uow)
        return [(g, await members(uow, g.id)) for g in found]


async def price_quote(
    ctx: Context,
    *,
    variant_id: str,
    quantity: int,
    currency: str | None,
    customer_id: str | None,
    group_ids: list[str],
    at: datetime | None,
    country: str | None,
    division: str | None,
) -> PriceResult | None:
    """The pricing entry point as an admin sees it; null for an unknown variant or customer id."""
    vid = decode_global_id(variant_id, "ProductVariant")
    customer = decode_global_id(customer_id, "Customer") if customer_id else None
    if vid is None or (customer_id and customer is None):
        return None
    group_uuids = frozenset(g for g in (decode_global_id(x, "CustomerGroup") for x in group_ids) if g)
    async with ctx.read_uow() as uow:
        return await price(
            uow.session,
            uow.store_id,
            PriceRequest(vid, quantity, currency),
            at=at or utcnow(),
            audience=Audience(customer_id=customer, group_ids=group_uuids),
            region=Region(country, division) if country else None,
        )
