"""Admin mutations of pricing (`pricing:write`) and of customers and their groups (`customers:write`).
Expected failures come back in `errors` and change nothing."""

from __future__ import annotations

import uuid
from typing import Any

import strawberry

from domain.pricing.errors import PricingErrorCode
from resolvers.context import Context
from resolvers.errors import Outcome
from resolvers.pricing.currency_rates_import import currency_rates_import
from resolvers.pricing.currency_rates_set import currency_rates_set
from resolvers.pricing.customer_create import customer_create
from resolvers.pricing.customer_group_create import customer_group_create
from resolvers.pricing.customer_group_delete import customer_group_delete
from resolvers.pricing.customer_group_members_add import customer_group_members_add
from resolvers.pricing.customer_group_members_remove import customer_group_members_remove
from resolvers.pricing.customer_group_update import customer_group_update
from resolvers.pricing.price_list_create import price_list_create
from resolvers.pricing.price_list_delete import price_list_delete
from resolvers.pricing.price_list_prices_set import price_list_prices_set
from resolvers.pricing.price_list_update import price_list_update
from resolvers.pricing.price_tiers_set import price_tiers_set
from resolvers.pricing.pricing_settings_update import pricing_settings_update
from resolvers.pricing.product_tax_class_set import product_tax_class_set
from resolvers.pricing.tax_class_create import tax_class_create
from resolvers.pricing.tax_class_delete import tax_class_delete
from resolvers.pricing.tax_class_update import tax_class_update
from resolvers.pricing.tax_rate_delete import tax_rate_delete
from resolvers.pricing.tax_rate_set import tax_rate_set
from schema.catalog.admin_inputs import given
from schema.errors import PricingError, convert
from schema.permissions import requires
from schema.pricing import inputs as inp
from schema.pricing import payloads as out
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
    gid,
)

Info = strawberry.Info[Context, None]
WRITE = "pricing:write"
CUSTOMERS = "customers:write"


def _errors(outcome: Outcome[Any]) -> list[PricingError]:
    return convert(outcome.errors, PricingErrorCode, PricingError)


def _deleted(outcome: Outcome[uuid.UUID], type_name: str) -> out.PricingDeletePayload:
    deleted = gid(type_name, outcome.result) if outcome.result else None
    return out.PricingDeletePayload(deleted_id=deleted, errors=_errors(outcome))


def _list(outcome: Outcome[Any]) -> out.PriceListPayload:
    found = PriceList.from_model(*outcome.result) if outcome.result else None
    return out.PriceListPayload(price_list=found, errors=_errors(outcome))


def _rates(outcome: Outcome[Any]) -> out.CurrencyRatesPayload:
    return out.CurrencyRatesPayload(
        rates=[CurrencyRate.from_model(r) for r in outcome.result or []], errors=_errors(outcome)
    )


def _group(outcome: Outcome[Any]) -> out.CustomerGroupPayload:
    if outcome.result is None:
        return out.CustomerGroupPayload(group=None, errors=_errors(outcome))
    return out.CustomerGroupPayload(group=CustomerGroup.from_model(outcome.result, []), errors=[])


def _members(outcome: Outcome[Any]) -> out.CustomerGroupPayload:
    if outcome.result is None:
        return out.CustomerGroupPayload(group=None, errors=_errors(outcome))
    group, members = outcome.result
    return out.CustomerGroupPayload(group=CustomerGroup.from_model(group, members), errors=[])


@strawberry.type
class PricingMutation:
    @strawberry.mutation(description="Create a named price list.", extensions=requires(WRITE))
    async def price_list_create(self, info: Info, input: inp.PriceListCreateInput) -> out.PriceListPayload:
        return _list(await price_list_create(info.context, values=given(input)))

    @strawberry.mutation(
        description="Change a price list (the default list: its name only).", extensions=requires(WRITE)
    )
    async def price_list_update(
        self, info: Info, id: strawberry.ID, input: inp.PriceListUpdateInput
    ) -> out.PriceListPayload:
        return _list(await price_list_update(info.context, id=str(id), changes=given(input)))

    @strawberry.mutation(description="Delete a named price list with its prices.", extensions=requires(WRITE))
    async def price_list_delete(self, info: Info, id: strawberry.ID) -> out.PricingDeletePayload:
        return _deleted(await price_list_delete(info.context, id=str(id)), "PriceList")

    @strawberry.mutation(
        description="Set or remove prices on a list; on the default list they are the variants' own prices.",
        extensions=requires(WRITE),
    )
    async def price_list_prices_set(
        self, info: Info, price_list_id: strawberry.ID, prices: list[inp.ListPriceInput]
    ) -> out.PriceListPricesSetPayload:
        res = await price_list_prices_set(
            info.context, price_list_id=str(price_list_id), prices=given(prices)
        )
        return out.PriceListPricesSetPayload(
            prices=[
                ListPrice(
                    variant_id=gid("ProductVariant", p.variant_id),
                    currency=p.currency,
                    amount=p.amount,
                    compare_at_amount=p.compare_at_amount,
                )
                for p in res.result or []
            ],
            errors=_errors(res),
        )

    @strawberry.mutation(
        description="Replace a variant's quantity breaks in a currency on a list (first at 1, no gaps).",
        extensions=requires(WRITE),
    )
    async def price_tiers_set(
        self,
        info: Info,
        price_list_id: strawberry.ID,
        variant_id: strawberry.ID,
        currency: str,
        tiers: list[inp.PriceTierInput],
    ) -> out.PriceTiersSetPayload:
        res = await price_tiers_set(
            info.context,
            price_list_id=str(price_list_id),
            variant_id=str(variant_id),
            currency=currency,
            tiers=given(tiers),
        )
        return out.PriceTiersSetPayload(tiers=PriceTier.table(res.result or []), errors=_errors(res))

    @strawberry.mutation(description="Set currency rates by hand.", extensions=requires(WRITE))
    async def currency_rates_set(
        self, info: Info, rates: list[inp.CurrencyRateInput]
    ) -> out.CurrencyRatesPayload:
        return _rates(await currency_rates_set(info.context, rates=given(rates)))

    @strawberry.mutation(
        description="Import rates from a feed, one `BASE QUOTE RATE` a line; a bad line changes nothing.",
        extensions=requires(WRITE),
    )
    async def currency_rates_import(self, info: Info, feed: str) -> out.CurrencyRatesPayload:
        return _rates(await currency_rates_import(info.context, feed=feed))

    @strawberry.mutation(description="Create a tax class.", extensions=requires(WRITE))
    async def tax_class_create(self, info: Info, input: inp.TaxClassInput) -> out.TaxClassPayload:
        res = await tax_class_create(info.context, values=given(input))
        return out.TaxClassPayload(
            tax_class=TaxClass.from_model(res.result, []) if res.result else None, errors=_errors(res)
        )

    @strawberry.mutation(description="Change a tax class.", extensions=requires(WRITE))
    async def tax_class_update(
        self, info: Info, id: strawberry.ID, input: inp.TaxClassInput
    ) -> out.TaxClassPayload:
        res = await tax_class_update(info.context, id=str(id), values=given(input))
        return out.TaxClassPayload(
            tax_class=TaxClass.from_model(res.result, []) if res.result else None, errors=_errors(res)
        )

    @strawberry.mutation(description="Delete a tax class with its rates.", extensions=requires(WRITE))
    async def tax_class_delete(self, info: Info, id: strawberry.ID) -> out.PricingDeletePayload:
        return _deleted(await tax_class_delete(info.context, id=str(id)), "TaxClass")

    @strawberry.mutation(description="Set a class's tax rate for a region.", extensions=requires(WRITE))
    async def tax_rate_set(self, info: Info, input: inp.TaxRateInput) -> out.TaxRatePayload:
        res = await tax_rate_set(info.context, values=given(input))
        return out.TaxRatePayload(
            tax_rate=TaxRate.from_model(res.result) if res.result else None, errors=_errors(res)
        )

    @strawberry.mutation(description="Delete a tax rate.", extensions=requires(WRITE))
    async def tax_rate_delete(self, info: Info, id: strawberry.ID) -> out.PricingDeletePayload:
        return _deleted(await tax_rate_delete(info.context, id=str(id)), "TaxRate")

    @strawberry.mutation(
        description="Tax a product in a class (null: the store's default class).", extensions=requires(WRITE)
    )
    async def product_tax_class_set(
        self, info: Info, product_id: strawberry.ID, tax_class_id: strawberry.ID | None
    ) -> out.ProductTaxClassSetPayload:
        res = await product_tax_class_set(
            info.context, product_id=str(product_id), tax_class_id=str(tax_class_id) if tax_class_id else None
        )
        return out.ProductTaxClassSetPayload(
            product_id=gid("Product", res.result) if res.result else None, errors=_errors(res)
        )

    @strawberry.mutation(description="Change the store's pricing settings.", extensions=requires(WRITE))
    async def pricing_settings_update(
        self, info: Info, input: inp.PricingSettingsInput
    ) -> out.PricingSettingsPayload:
        res = await pricing_settings_update(info.context, changes=given(input))
        return out.PricingSettingsPayload(
            settings=PricingSettings.from_model(res.result) if res.result else None, errors=_errors(res)
        )


@strawberry.type
class CustomerMutation:
    @strawberry.mutation(description="Create a customer.", extensions=requires(CUSTOMERS))
    async def customer_create(self, info: Info, input: inp.CustomerCreateInput) -> out.CustomerPayload:
        res = await customer_create(info.context, values=given(input))
        return out.CustomerPayload(
            customer=Customer.from_model(res.result) if res.result else None, errors=_errors(res)
        )

    @strawberry.mutation(description="Create a customer group.", extensions=requires(CUSTOMERS))
    async def customer_group_create(
        self, info: Info, input: inp.CustomerGroupInput
    ) -> out.CustomerGroupPayload:
        return _group(await customer_group_create(info.context, values=given(input)))

    @strawberry.mutation(description="Rename a customer group.", extensions=requires(CUSTOMERS))
    async def customer_group_update(
        self, info: Info, id: strawberry.ID, input: inp.CustomerGroupInput
    ) -> out.CustomerGroupPayload:
        return _group(await customer_group_update(info.context, id=str(id), values=given(input)))

    @strawberry.mutation(
        description="Delete a customer group (not while a price list targets it).",
        extensions=requires(CUSTOMERS),
    )
    async def customer_group_delete(self, info: Info, id: strawberry.ID) -> out.PricingDeletePayload:
        return _deleted(await customer_group_delete(info.context, id=str(id)), "CustomerGroup")

    @strawberry.mutation(description="Put customers in a group.", extensions=requires(CUSTOMERS))
    async def customer_group_members_add(
        self, info: Info, group_id: strawberry.ID, customer_ids: list[strawberry.ID]
    ) -> out.CustomerGroupPayload:
        return _members(
            await customer_group_members_add(
                info.context, group_id=str(group_id), customer_ids=[str(c) for c in customer_ids]
            )
        )

    @strawberry.mutation(description="Take customers out of a group.", extensions=requires(CUSTOMERS))
    async def customer_group_members_remove(
        self, info: Info, group_id: strawberry.ID, customer_ids: list[strawberry.ID]
    ) -> out.CustomerGroupPayload:
        return _members(
            await customer_group_members_remove(
                info.context, group_id=str(group_id), customer_ids=[str(c) for c in customer_ids]
            )
        )
