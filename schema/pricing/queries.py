"""Admin reads of pricing (`pricing:read`) and customer groups (`customers:read`), and `priceQuote`: the
pricing entry point with its reason, for any variant, quantity, currency, customer or groups, and time."""

from __future__ import annotations

from datetime import datetime

import strawberry

from resolvers.context import Context
from resolvers.pricing import queries as q
from schema.permissions import requires
from schema.pricing.types import (
    CurrencyRate,
    CustomerGroup,
    PriceList,
    PriceQuote,
    PriceTier,
    PricingSettings,
    TaxClass,
)

Info = strawberry.Info[Context, None]
READ = "pricing:read"


@strawberry.type
class PricingQuery:
    @strawberry.field(
        description="The default list first, then named lists by code.", extensions=requires(READ)
    )
    async def price_lists(self, info: Info) -> list[PriceList]:
        return [PriceList.from_model(r, a) for r, a in await q.price_lists(info.context)]

    @strawberry.field(
        description="A variant's quantity breaks in a currency on a list, from 1 up (empty: no price).",
        extensions=requires(READ),
    )
    async def price_tiers(
        self, info: Info, price_list_id: strawberry.ID, variant_id: strawberry.ID, currency: str
    ) -> list[PriceTier]:
        above = await q.price_tiers(
            info.context, price_list_id=str(price_list_id), variant_id=str(variant_id), currency=currency
        )
        return PriceTier.table(above)

    @strawberry.field(description="The store's currency rates.", extensions=requires(READ))
    async def currency_rates(self, info: Info) -> list[CurrencyRate]:
        return [CurrencyRate.from_model(r) for r in await q.currency_rates(info.context)]

    @strawberry.field(description="Tax classes with their rates.", extensions=requires(READ))
    async def tax_classes(self, info: Info) -> list[TaxClass]:
        return [TaxClass.from_model(c, r) for c, r in await q.taxes(info.context)]

    @strawberry.field(description="The store's pricing settings.", extensions=requires(READ))
    async def pricing_settings(self, info: Info) -> PricingSettings:
        return PricingSettings.from_model(await q.settings(info.context))

    @strawberry.field(
        description="Customer groups with their members.", extensions=requires("customers:read")
    )
    async def customer_groups(self, info: Info) -> list[CustomerGroup]:
        return [CustomerGroup.from_model(g, m) for g, m in await q.customer_groups(info.context)]

    @strawberry.field(
        description="What a variant costs and why: list, tier, conversion, schedule, tax. Null when it "
        "has no price in the currency (or the variant or customer is unknown).",
        extensions=requires(READ),
    )
    async def price_quote(
        self,
        info: Info,
        variant_id: strawberry.ID,
        quantity: int = 1,
        currency: str | None = None,
        customer_id: strawberry.ID | None = None,
        group_ids: list[strawberry.ID] | None = None,
        at: datetime | None = None,
        country: str | None = None,
        division: str | None = None,
    ) -> PriceQuote | None:
        result = await q.price_quote(
            info.context,
            variant_id=str(variant_id),
            quantity=quantity,
            currency=currency,
            customer_id=str(customer_id) if customer_id else None,
            group_ids=[str(g) for g in group_ids or []],
            at=at,
            country=country,
            division=division,
        )
        return PriceQuote.from_result(result) if result else None
