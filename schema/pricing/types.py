"""GraphQL types of pricing for admins: price lists, tiers, rates, tax, settings, customer groups, and the
reasoned price quote. Ids are Relay global ids of the type's name."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

import strawberry

from domain.customers.models import Customer as CustomerRow
from domain.customers.models import CustomerGroup as CustomerGroupRow
from domain.pricing import models
from domain.pricing.engine import PriceResult
from resolvers.ids import encode_global_id
from schema.catalog.taxonomy_types import Money


def gid(type_name: str, value: uuid.UUID) -> strawberry.ID:
    return strawberry.ID(encode_global_id(type_name, value))


@strawberry.enum(description="What a price list targets.")
class AudienceKind(enum.Enum):
    GROUP = "group"
    SEGMENT = "segment"


@strawberry.type(description="One audience of a price list: a customer group or a segment.")
class PriceListAudience:
    kind: AudienceKind = strawberry.field(description="group or segment.")
    customer_group_id: strawberry.ID | None = strawberry.field(description="The CustomerGroup, for groups.")
    segment_id: strawberry.ID | None = strawberry.field(description="The Segment, for segments.")

    @classmethod
    def from_model(cls, m: models.PriceListAudience) -> PriceListAudience:
        return cls(
            kind=AudienceKind(m.kind.value),
            customer_group_id=gid("CustomerGroup", m.customer_group_id) if m.customer_group_id else None,
            segment_id=gid("Segment", m.segment_id) if m.segment_id else None,
        )


@strawberry.type(
    description="A set of prices: the store's default list or a named one (wholesale, VIP, a sale)."
)
class PriceList:
    id: strawberry.ID = strawberry.field(description="Global id.")
    code: str = strawberry.field(description="Unique in the store; `default` is the default list.")
    name: str = strawberry.field(description="Shown to staff.")
    is_default: bool = strawberry.field(description="The default list: its prices are the variants' own.")
    active: bool = strawberry.field(description="Off: the list prices nothing.")
    priority: int = strawberry.field(description="Among lists that apply, the highest wins.")
    starts_at: datetime | None = strawberry.field(description="A sale's start; null: already on.")
    ends_at: datetime | None = strawberry.field(description="A sale's end; null: no end.")
    audiences: list[PriceListAudience] = strawberry.field(
        description="Who the list is for; empty: everybody."
    )

    @classmethod
    def from_model(cls, m: models.PriceList, audiences: list[models.PriceListAudience]) -> PriceList:
        return cls(
            id=gid("PriceList", m.id),
            code=m.code,
            name=m.name,
            is_default=m.is_default,
            active=m.active,
            priority=m.priority,
            starts_at=m.starts_at,
            ends_at=m.ends_at,
            audiences=[PriceListAudience.from_model(a) for a in audiences],
        )


@strawberry.type(description="A variant's price in a currency on a list, as set.")
class ListPrice:
    variant_id: strawberry.ID = strawberry.field(description="The ProductVariant.")
    currency: str = strawberry.field(description="ISO 4217 code.")
    amount: int | None = strawberry.field(description="Minor units; null: removed.")
    compare_at_amount: int | None = strawberry.field(description="Struck-through price, minor units.")


@strawberry.type(
    description="A quantity break: from `minQuantity` (to `maxQuantity`) units, each costs `amount`."
)
class PriceTier:
    min_quantity: int = strawberry.field(description="First quantity of the break.")
    max_quantity: int | None = strawberry.field(description="Last quantity; null: and up.")
    amount: int = strawberry.field(description="Unit price in minor units.")

    @staticmethod
    def table(breaks: list[tuple[int, int]]) -> list[PriceTier]:
        out = []
        for index, (minimum, amount) in enumerate(breaks):
            upper = breaks[index + 1][0] - 1 if index + 1 < len(breaks) else None
            out.append(PriceTier(min_quantity=minimum, max_quantity=upper, amount=amount))
        return out


@strawberry.type(description="How many units of a currency one unit of the store's default currency buys.")
class CurrencyRate:
    currency: str = strawberry.field(description="ISO 4217 code.")
    rate: str = strawberry.field(description="Exact decimal, as text.")
    source: str = strawberry.field(description="manual or feed.")
    updated_at: datetime = strawberry.field(description="When it was set.")

    @classmethod
    def from_model(cls, m: models.CurrencyRate) -> CurrencyRate:
        return cls(
            currency=m.currency, rate=str(m.rate.normalize()), source=m.source, updated_at=m.updated_at
        )


@strawberry.type(description="A tax rate of a class in a country or one of its divisions.")
class TaxRate:
    id: strawberry.ID = strawberry.field(description="Global id.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2.")
    division: str | None = strawberry.field(
        description="ISO 3166-2 (e.g. BD-13, Dhaka); null: whole country."
    )
    percent: str = strawberry.field(description="Exact decimal percent, as text (15 = 15%).")
    name: str = strawberry.field(description="Shown on invoices, e.g. VAT.")

    @classmethod
    def from_model(cls, m: models.TaxRate) -> TaxRate:
        return cls(
            id=gid("TaxRate", m.id),
            country=m.country,
            division=m.division,
            percent=str(m.percent.normalize()),
            name=m.name,
        )


@strawberry.type(description="A kind of goods taxed alike.")
class TaxClass:
    id: strawberry.ID = strawberry.field(description="Global id.")
    code: str = strawberry.field(description="Unique in the store.")
    name: str = strawberry.field(description="Shown to staff.")
    is_default: bool = strawberry.field(description="Products without a class are taxed in it.")
    rates: list[TaxRate] = strawberry.field(description="Its rates by region.")

    @classmethod
    def from_model(cls, m: models.TaxClass, rates: list[models.TaxRate]) -> TaxClass:
        return cls(
            id=gid("TaxClass", m.id),
            code=m.code,
            name=m.name,
            is_default=m.is_default,
            rates=[TaxRate.from_model(r) for r in rates],
        )


@strawberry.type(description="Rounding of converted prices in one currency.")
class RoundingStep:
    currency: str = strawberry.field(description="ISO 4217 code.")
    step: int = strawberry.field(description="Minor units; 100 rounds BDT to whole taka.")


@strawberry.type(description="The store's pricing settings.")
class PricingSettings:
    prices_include_tax: bool = strawberry.field(description="Prices are entered with tax included.")
    tax_country: str = strawberry.field(description="Region whose tax rates apply by default.")
    tax_division: str | None = strawberry.field(description="Division within it, if any.")
    rounding_steps: list[RoundingStep] = strawberry.field(description="Per currency; 1 when not listed.")

    @classmethod
    def from_model(cls, m: models.PricingSettings) -> PricingSettings:
        return cls(
            prices_include_tax=m.prices_include_tax,
            tax_country=m.tax_country,
            tax_division=m.tax_division,
            rounding_steps=[
                RoundingStep(currency=c, step=int(s)) for c, s in sorted((m.rounding_steps or {}).items())
            ],
        )


@strawberry.type(description="A customer of the store.")
class Customer:
    id: strawberry.ID = strawberry.field(description="Global id.")
    email: str | None = strawberry.field(description="Email, if given.")
    phone: str | None = strawberry.field(description="Phone in +880 form, if given.")
    first_name: str = strawberry.field(description="Given name.")
    last_name: str = strawberry.field(description="Family name.")

    @classmethod
    def from_model(cls, m: CustomerRow) -> Customer:
        return cls(
            id=gid("Customer", m.id),
            email=m.email,
            phone=m.phone,
            first_name=m.first_name,
            last_name=m.last_name,
        )


@strawberry.type(description="A store-defined set of customers; price lists target groups.")
class CustomerGroup:
    id: strawberry.ID = strawberry.field(description="Global id.")
    code: str = strawberry.field(description="Unique in the store.")
    name: str = strawberry.field(description="Shown to staff.")
    member_ids: list[strawberry.ID] = strawberry.field(description="Customers in the group.")

    @classmethod
    def from_model(cls, m: CustomerGroupRow, members: list[uuid.UUID]) -> CustomerGroup:
        return cls(
            id=gid("CustomerGroup", m.id),
            code=m.code,
            name=m.name,
            member_ids=[gid("Customer", c) for c in members],
        )


@strawberry.type(description="A line's amount split into net, tax and gross.")
class TaxSplit:
    net: int = strawberry.field(description="Without tax, minor units.")
    tax: int = strawberry.field(description="The tax, minor units.")
    gross: int = strawberry.field(description="With tax, minor units.")


@strawberry.type(description="Tax of a quote: per unit and for the whole quantity.")
class QuoteTax:
    tax_class: str | None = strawberry.field(description="The class's code; null: no class set up.")
    percent: str = strawberry.field(description="The rate applied, exact decimal percent.")
    prices_include_tax: bool = strawberry.field(description="Whether the unit price includes it.")
    unit: TaxSplit = strawberry.field(description="One unit.")
    line: TaxSplit = strawberry.field(description="The quantity asked, rounded once.")


@strawberry.type(description="What a variant costs for an audience at a time, and why.")
class PriceQuote:
    variant_id: strawberry.ID = strawberry.field(description="The ProductVariant.")
    quantity: int = strawberry.field(description="Units priced.")
    unit_price: Money = strawberry.field(description="Price of one unit.")
    line_total: Money = strawberry.field(description="Unit price times quantity.")
    compare_at_price: Money | None = strawberry.field(description="Struck-through price, if above the price.")
    price_list_id: strawberry.ID | None = strawberry.field(description="The list used.")
    price_list_code: str = strawberry.field(description="Its code (`default` for the default list).")
    tier_min_quantity: int = strawberry.field(description="The quantity break used (1: the list price).")
    converted_from: str | None = strawberry.field(description="The currency converted from, if converted.")
    rate: str | None = strawberry.field(description="The rate used to convert.")
    starts_at: datetime | None = strawberry.field(description="The list's sale start, if scheduled.")
    ends_at: datetime | None = strawberry.field(description="The list's sale end, if scheduled.")
    tax: QuoteTax = strawberry.field(description="Tax, inclusive and exclusive amounts.")
    reason: str = strawberry.field(description="Which list, tier, conversion, schedule and tax, in words.")

    @classmethod
    def from_result(cls, r: PriceResult) -> PriceQuote:
        currency = r.unit.currency

        def split(x: object) -> TaxSplit:
            return TaxSplit(net=x.net, tax=x.tax, gross=x.gross)  # type: ignore[attr-defined]

        return cls(
            variant_id=gid("ProductVariant", r.variant_id),
            quantity=r.quantity,
            unit_price=Money(amount=r.unit.amount, currency=currency),
            line_total=Money(amount=r.line_total.amount, currency=currency),
            compare_at_price=Money(amount=r.compare_at.amount, currency=currency) if r.compare_at else None,
            price_list_id=gid("PriceList", r.list_id) if r.list_id else None,
            price_list_code=r.list_code,
            tier_min_quantity=r.tier_min_quantity,
            converted_from=r.converted_from,
            rate=str(r.rate) if r.rate is not None else None,
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            tax=QuoteTax(
                tax_class=r.tax.tax_class,
                percent=str(r.tax.percent.normalize()),
                prices_include_tax=r.tax.prices_include_tax,
                unit=split(r.tax.unit),
                line=split(r.tax.line),
            ),
            reason=r.reason,
        )
