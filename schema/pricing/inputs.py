"""GraphQL inputs of pricing mutations; `given` (schema.catalog.admin_inputs) turns them into dicts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

UNSET: Any = strawberry.UNSET


@strawberry.input(description="A new price list.")
class PriceListCreateInput:
    code: str = strawberry.field(description="Unique in the store: lowercase letters, digits, - and _.")
    name: str = strawberry.field(description="Shown to staff.")
    priority: int | None = strawberry.field(default=UNSET, description="Higher wins; 0 unless given.")
    active: bool | None = strawberry.field(default=UNSET, description="On unless given.")
    starts_at: datetime | None = strawberry.field(default=UNSET, description="Sale start (with time zone).")
    ends_at: datetime | None = strawberry.field(default=UNSET, description="Sale end (with time zone).")
    group_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="CustomerGroups the list is for; none and no segments: everybody."
    )
    segment_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Segments the list is for (behavioural segments, when marketing has them)."
    )


@strawberry.input(description="Changes to a price list; only the fields given change.")
class PriceListUpdateInput:
    name: str | None = strawberry.field(default=UNSET, description="Shown to staff.")
    priority: int | None = strawberry.field(default=UNSET, description="Higher wins.")
    active: bool | None = strawberry.field(default=UNSET, description="Off: the list prices nothing.")
    starts_at: datetime | None = strawberry.field(default=UNSET, description="Sale start; null clears it.")
    ends_at: datetime | None = strawberry.field(default=UNSET, description="Sale end; null clears it.")
    group_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Replaces the groups."
    )
    segment_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Replaces the segments."
    )


@strawberry.input(description="A variant's price in a currency on a list.")
class ListPriceInput:
    variant_id: strawberry.ID = strawberry.field(description="A ProductVariant.")
    currency: str = strawberry.field(description="ISO 4217 code the store sells in.")
    amount: int | None = strawberry.field(description="Minor units; null removes the price (named lists).")
    compare_at_amount: int | None = strawberry.field(
        default=UNSET, description="Struck-through price, above the amount."
    )


@strawberry.input(description="A quantity break.")
class PriceTierInput:
    min_quantity: int = strawberry.field(description="First quantity; the first break starts at 1.")
    max_quantity: int | None = strawberry.field(
        default=UNSET, description="Last quantity; only the last break is open-ended."
    )
    amount: int = strawberry.field(description="Unit price in minor units.")


@strawberry.input(description="A currency rate set by hand.")
class CurrencyRateInput:
    currency: str = strawberry.field(description="ISO 4217 code the store sells in, not its default.")
    rate: str = strawberry.field(description='Units of it per unit of the default currency, e.g. "0.0084".')


@strawberry.input(description="A tax class.")
class TaxClassInput:
    code: str = strawberry.field(description="Unique in the store.")
    name: str = strawberry.field(description="Shown to staff.")
    is_default: bool | None = strawberry.field(
        default=UNSET, description="Make it the store's default class."
    )


@strawberry.input(description="A class's tax rate for a region (replaces the region's rate if set).")
class TaxRateInput:
    tax_class_id: strawberry.ID = strawberry.field(description="A TaxClass.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2, e.g. BD.")
    division: str | None = strawberry.field(
        default=UNSET, description="ISO 3166-2, e.g. BD-13; null: country."
    )
    percent: str = strawberry.field(description='Percent as exact decimal text, e.g. "15" or "7.5".')
    name: str | None = strawberry.field(default=UNSET, description="Shown on invoices, e.g. VAT.")


@strawberry.input(description="A rounding step for converted prices.")
class RoundingStepInput:
    currency: str = strawberry.field(description="ISO 4217 code.")
    step: int = strawberry.field(description="Minor units, e.g. 100 for whole taka.")


@strawberry.input(description="Changes to the store's pricing settings; only the fields given change.")
class PricingSettingsInput:
    prices_include_tax: bool | None = strawberry.field(default=UNSET, description="Prices entered with tax.")
    tax_country: str | None = strawberry.field(default=UNSET, description="Default tax region's country.")
    tax_division: str | None = strawberry.field(default=UNSET, description="Its division; null: none.")
    rounding_steps: list[RoundingStepInput] | None = strawberry.field(
        default=UNSET, description="Replaces every rounding step."
    )


@strawberry.input(description="A new customer: an email or a phone number, or both.")
class CustomerCreateInput:
    email: str | None = strawberry.field(default=UNSET, description="Email.")
    phone: str | None = strawberry.field(default=UNSET, description="Phone in international form (+8801…).")
    first_name: str | None = strawberry.field(default=UNSET, description="Given name.")
    last_name: str | None = strawberry.field(default=UNSET, description="Family name.")


@strawberry.input(description="A customer group.")
class CustomerGroupInput:
    code: str = strawberry.field(description="Unique in the store.")
    name: str = strawberry.field(description="Shown to staff.")
