"""Payloads of pricing and customer mutations: the changed object (null when nothing changed) and `errors`."""

from __future__ import annotations

import strawberry

from schema.errors import PricingError
from schema.pricing.types import (
    CurrencyRate,
    Customer,
    CustomerGroup,
    ListPrice,
    PriceList,
    PriceTier,
    PricingSettings,
    TaxClass,
    TaxRate,
)

ERRORS = "Why nothing changed, if so."


@strawberry.type(description="The result of a price list mutation.")
class PriceListPayload:
    price_list: PriceList | None = strawberry.field(description="The list after the change.")
    errors: list[PricingError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of a pricing or customer delete mutation.")
class PricingDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="The global id of what was deleted.")
    errors: list[PricingError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of priceListPricesSet.")
class PriceListPricesSetPayload:
    prices: list[ListPrice] = strawberry.field(description="The prices as set.")
    errors: list[PricingError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of priceTiersSet.")
class PriceTiersSetPayload:
    tiers: list[PriceTier] = strawberry.field(description="The breaks, from 1 up.")
    errors: list[PricingError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of a currency rate mutation.")
class CurrencyRatesPayload:
    rates: list[CurrencyRate] = strawberry.field(description="Every rate of the store afterwards.")
    errors: list[PricingError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of a tax class mutation.")
class TaxClassPayload:
    tax_class: TaxClass | None = strawberry.field(description="The class after the change (rates omitted).")
    errors: list[PricingError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of taxRateSet.")
class TaxRatePayload:
    tax_rate: TaxRate | None = strawberry.field(description="The rate as set.")
    errors: list[PricingError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of productTaxClassSet.")
class ProductTaxClassSetPayload:
    product_id: strawberry.ID | None = strawberry.field(description="The Product.")
    errors: list[PricingError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of pricingSettingsUpdate.")
class PricingSettingsPayload:
    settings: PricingSettings | None = strawberry.field(description="The settings afterwards.")
    errors: list[PricingError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of customerCreate.")
class CustomerPayload:
    customer: Customer | None = strawberry.field(description="The new customer.")
    errors: list[PricingError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The result of a customer group mutation.")
class CustomerGroupPayload:
    group: CustomerGroup | None = strawberry.field(description="The group after the change.")
    errors: list[PricingError] = strawberry.field(description=ERRORS)
