"""Storefront types of the cart: a cart priced by domain/cart/totals.py, its lines, problems, shipping
quotes and addresses. Amounts are Money (integer minor units and a currency)."""

from __future__ import annotations

from typing import Any

import strawberry

from domain.cart.errors import ProblemKind
from domain.cart.totals import CartTotals, LineProblem, PricedLine
from domain.checkout.draft_types import AddressSnapshot, AppliedDiscount
from domain.customers.addresses import snapshot_from_json
from domain.shipping.rates import Quote
from resolvers.ids import encode_global_id
from schema.catalog.taxonomy_types import Money


@strawberry.type(description="A postal address in Bangladesh, as validated and normalised.")
class Address:
    name: str = strawberry.field(description="Who receives it.")
    phone: str = strawberry.field(description="Mobile number in +8801XXXXXXXXX form.")
    line1: str = strawberry.field(description="House, road, area.")
    line2: str = strawberry.field(description="More of the address, if any.")
    upazila: str = strawberry.field(description="Upazila or thana.")
    district: str = strawberry.field(description="One of the 64 districts, official spelling.")
    division: str = strawberry.field(description="One of the 8 divisions, official spelling.")
    postcode: str = strawberry.field(description="Four-digit postcode, or empty.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code (BD).")

    @classmethod
    def from_snapshot(cls, a: AddressSnapshot | None) -> Address | None:
        if a is None:
            return None
        return cls(
            name=a.name,
            phone=a.phone,
            line1=a.line1,
            line2=a.line2,
            upazila=a.upazila,
            district=a.district,
            division=a.division,
            postcode=a.postcode,
            country=a.country,
        )


@strawberry.input(description="A Bangladeshi address; division and district are checked against each other.")
class AddressInput:
    name: str = strawberry.field(description="Who receives it.")
    phone: str = strawberry.field(description="Mobile number: 01XXXXXXXXX, 8801… or +8801….")
    line1: str = strawberry.field(description="House, road, area.")
    division: str = strawberry.field(description="Division, e.g. Dhaka (older spellings accepted).")
    district: str = strawberry.field(description="District, e.g. Gazipur (older spellings accepted).")
    line2: str = strawberry.field(default="", description="More of the address.")
    upazila: str = strawberry.field(default="", description="Upazila or thana.")
    postcode: str = strawberry.field(default="", description="Four-digit postcode.")
    country: str = strawberry.field(default="BD", description="ISO 3166-1 alpha-2 code; BD only for now.")

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@strawberry.type(description="Something that stops a line from being bought as it stands.")
class CartProblem:
    kind: ProblemKind = strawberry.field(description="What is wrong.")
    message: str = strawberry.field(description="Human-readable explanation.")
    available: int | None = strawberry.field(description="Units still available, for stock problems.")
    current_price: Money | None = strawberry.field(description="The unit price now, for a price change.")

    @classmethod
    def build(cls, p: LineProblem, currency: str) -> CartProblem:
        price = Money(amount=p.current_price, currency=currency) if p.current_price is not None else None
        return cls(kind=p.kind, message=p.message, available=p.available, current_price=price)


@strawberry.type(description="A promotion's share of a line, or of shipping.")
class CartDiscount:
    promotion_id: strawberry.ID = strawberry.field(description="Global id of the promotion.")
    title: str = strawberry.field(description="The promotion's name.")
    code: str | None = strawberry.field(description="The discount code that unlocked it, if any.")
    amount: Money = strawberry.field(description="How much it took off.")

    @classmethod
    def build(cls, d: AppliedDiscount, currency: str) -> CartDiscount:
        return cls(
            promotion_id=strawberry.ID(encode_global_id("Promotion", d.promotion_id)),
            title=d.title,
            code=d.code,
            amount=Money(amount=d.amount, currency=currency),
        )


@strawberry.type(description="One variant in the cart, priced now.")
class CartLine:
    id: strawberry.ID = strawberry.field(description="Global id of the line.")
    variant_id: strawberry.ID = strawberry.field(description="Global id of the product variant.")
    sku: str | None = strawberry.field(description="The variant's SKU (null if it left the catalog).")
    title: str | None = strawberry.field(description="The product's title.")
    variant_title: str | None = strawberry.field(description="The variant's title.")
    quantity: int = strawberry.field(description="Units wanted.")
    unit_price: Money | None = strawberry.field(description="Current unit price; null if it has none.")
    subtotal: Money = strawberry.field(description="Unit price times quantity.")
    discount: Money = strawberry.field(description="Promotions' share of this line.")
    tax: Money = strawberry.field(description="This line's share of the cart's tax.")
    total: Money = strawberry.field(description="Subtotal minus discount, plus tax when prices exclude it.")
    discounts: list[CartDiscount] = strawberry.field(description="The promotions that discounted it.")
    problems: list[CartProblem] = strawberry.field(description="Why it cannot be bought as it stands.")

    @classmethod
    def build(cls, p: PricedLine, currency: str) -> CartLine:
        def m(amount: int) -> Money:
            return Money(amount=amount, currency=currency)

        facts = p.facts
        return cls(
            id=strawberry.ID(encode_global_id("CartLine", p.line.id)),
            variant_id=strawberry.ID(encode_global_id("ProductVariant", p.line.variant_id)),
            sku=facts.sku if facts else None,
            title=facts.title if facts else None,
            variant_title=facts.variant_title if facts else None,
            quantity=p.line.quantity,
            unit_price=m(p.unit_price) if p.unit_price is not None else None,
            subtotal=m(p.subtotal),
            discount=m(p.discount),
            tax=m(p.tax),
            total=m(p.total),
            discounts=[CartDiscount.build(d, currency) for d in p.discounts],
            problems=[CartProblem.build(x, currency) for x in p.problems],
        )


@strawberry.type(description="A shipping method offered for the cart's address, priced for this cart.")
class ShippingQuote:
    id: strawberry.ID = strawberry.field(description="Global id of the shipping method.")
    code: str = strawberry.field(description="The method's code.")
    name: str = strawberry.field(description="The method's name.")
    price: Money = strawberry.field(description="What it costs for this cart.")
    free: bool = strawberry.field(description="True when the cart reached the method's free threshold.")

    @classmethod
    def build(cls, q: Quote) -> ShippingQuote:
        return cls(
            id=strawberry.ID(encode_global_id("ShippingMethod", q.method.id)),
            code=q.method.code,
            name=q.method.name,
            price=Money(amount=q.amount, currency=q.method.currency),
            free=q.free,
        )


@strawberry.type(description="A shopping cart, priced now: lines, discounts, shipping and tax.")
class Cart:
    id: strawberry.ID = strawberry.field(description="Global id of the cart (not a credential).")
    status: str = strawberry.field(description="active, abandoned, converted or expired.")
    currency: str = strawberry.field(description="ISO 4217 code of every amount.")
    email: str | None = strawberry.field(description="Guest contact email.")
    phone: str | None = strawberry.field(description="Guest contact phone, +880 form.")
    note: str = strawberry.field(description="The shopper's note for the order.")
    codes: list[str] = strawberry.field(description="Discount codes applied, as the store spells them.")
    lines: list[CartLine] = strawberry.field(description="The lines, oldest first.")
    problems: list[CartProblem] = strawberry.field(description="Every line's problems; checkout needs none.")
    discounts: list[CartDiscount] = strawberry.field(description="Discounts on shipping (free shipping).")
    shipping_address: Address | None = strawberry.field(description="Where it ships.")
    billing_address: Address | None = strawberry.field(description="Billing address; shipping's when null.")
    shipping_method: ShippingQuote | None = strawberry.field(description="The chosen method, priced.")
    available_shipping_methods: list[ShippingQuote] = strawberry.field(
        description="Methods offered for the shipping address (empty without an address)."
    )
    subtotal: Money = strawberry.field(description="Sum of line subtotals.")
    discount_total: Money = strawberry.field(description="All discounts, lines and shipping.")
    tax_total: Money = strawberry.field(description="Tax included in (or added to) the total.")
    shipping_total: Money = strawberry.field(
        description="The shipping method's price; its discounts count in discountTotal."
    )
    total: Money = strawberry.field(description="What the customer pays.")
    prices_include_tax: bool = strawberry.field(description="Whether prices already include tax.")

    @classmethod
    def build(cls, t: CartTotals) -> Cart:
        cur = t.currency

        def m(amount: int) -> Money:
            return Money(amount=amount, currency=cur)

        chosen = next((q for q in t.quotes if t.shipping and q.method.id == t.shipping.method_id), None)
        return cls(
            id=strawberry.ID(encode_global_id("Cart", t.cart.id)),
            status=t.cart.status.value,
            currency=cur,
            email=t.cart.email,
            phone=t.cart.phone,
            note=t.cart.note,
            codes=list(t.cart.codes),
            lines=[CartLine.build(line, cur) for line in t.lines],
            problems=[CartProblem.build(p, cur) for p in t.problems],
            discounts=[CartDiscount.build(d, cur) for d in t.discounts],
            shipping_address=Address.from_snapshot(snapshot_from_json(t.cart.shipping_address)),
            billing_address=Address.from_snapshot(snapshot_from_json(t.cart.billing_address)),
            shipping_method=ShippingQuote.build(chosen) if chosen else None,
            available_shipping_methods=[ShippingQuote.build(q) for q in t.quotes],
            subtotal=m(t.subtotal),
            discount_total=m(t.discount_total),
            tax_total=m(t.tax_total),
            shipping_total=m(t.shipping_total),
            total=m(t.total),
            prices_include_tax=t.prices_include_tax,
        )
