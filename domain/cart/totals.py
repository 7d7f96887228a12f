"""A cart priced: each line through the pricing entry point (`price_many`), discounts through the
promotions engine (the same `build_snapshot` / `evaluate` the merchant's explanation uses), shipping from
the store's zones and methods, tax split per line so the lines' taxes sum to the order's, and the
`problems` of each line. A read: it writes nothing, so a query can call it.

A fixed number of statements whatever the number of lines: lines, variant facts, availability, prices,
store, promotion facts, rules version, codes (when the cart has any), customer groups (signed in),
shipping zones and methods (when the cart has an address), and for a signed-in customer whether they
have ordered before (first-order offers)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from domain.cart.errors import ProblemKind
from domain.cart.models import Cart, CartLine
from domain.cart.queries import VariantFacts, variant_facts
from domain.cart.services import cart_lines
from domain.checkout.draft_types import AppliedDiscount, ShippingChoice
from domain.customers.addresses import snapshot_from_json
from domain.inventory.availability import available
from domain.money import Money
from domain.orders.models import Order, OrderStatus
from domain.pricing.engine import Audience, PriceRequest, PriceResult, price_many
from domain.pricing.tax_math import split_lines
from domain.promotions.cache import PROCESS_CACHE, PromotionCache
from domain.promotions.cart_facts import CartRequest, build_snapshot
from domain.promotions.engine import evaluate
from domain.promotions.explain import lookup_codes
from domain.promotions.line_pricer import LineToPrice
from domain.promotions.result import PromotionResult
from domain.shipping import rates
from domain.shipping import services as shipping
from domain.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class LineProblem:
    line_id: uuid.UUID
    kind: ProblemKind
    message: str
    # Units still available (stock problems), the current unit price (price changes).
    available: int | None = None
    current_price: int | None = None


@dataclass(frozen=True, slots=True)
class PricedLine:
    line: CartLine
    facts: VariantFacts | None
    # The current unit price (None: the line cannot be priced; its amounts are then 0).
    unit_price: int | None
    subtotal: int
    discount: int
    tax: int
    total: int
    discounts: tuple[AppliedDiscount, ...]
    problems: tuple[LineProblem, ...]


@dataclass(frozen=True)
class CartTotals:
    cart: Cart
    currency: str
    lines: tuple[PricedLine, ...]
    subtotal: int
    discount_total: int
    tax_total: int
    # The shipping method's price before its discounts (those count in `discount_total`), as OrderDraft
    # defines it: total = line totals + shipping_total - shipping discount.
    shipping_total: int
    total: int
    prices_include_tax: bool
    shipping: ShippingChoice | None
    quotes: tuple[rates.Quote, ...]
    promotion: PromotionResult | None
    # Order-level discounts not spread over lines (free shipping).
    discounts: tuple[AppliedDiscount, ...]
    unknown_codes: tuple[str, ...]

    @property
    def problems(self) -> tuple[LineProblem, ...]:
        return tuple(p for line in self.lines for p in line.problems)


class _Known:
    """A LinePricer answering from prices already read (the snapshot must use the same prices)."""

    def __init__(self, units: dict[uuid.UUID, Money]) -> None:
        self._units = units

    async def unit_prices(
        self, uow: UnitOfWork, lines: Sequence[LineToPrice], **_: object
    ) -> list[Money | None]:
        return [self._units.get(line.variant_id) for line in lines]


def _problems(
    line: CartLine, fact: VariantFacts | None, priced: PriceResult | None, left: int | None, in_stock: bool
) -> list[LineProblem]:
    if fact is None or not fact.on_sale:
        return [LineProblem(line.id, ProblemKind.UNAVAILABLE, "no longer for sale")]
    if priced is None:
        return [LineProblem(line.id, ProblemKind.NO_PRICE, "no price in the cart's currency")]
    found: list[LineProblem] = []
    if not in_stock:
        if not left:
            found.append(LineProblem(line.id, ProblemKind.OUT_OF_STOCK, "out of stock", available=0))
        else:
            found.append(
                LineProblem(line.id, ProblemKind.INSUFFICIENT_STOCK, f"only {left} left", available=left)
            )
    if priced.unit.amount != line.unit_price:
        found.append(
            LineProblem(
                line.id,
                ProblemKind.PRICE_CHANGED,
                f"the price changed from {Money(line.unit_price, priced.unit.currency)} to {priced.unit}",
                current_price=priced.unit.amount,
            )
        )
    return found


async def _first_order(uow: UnitOfWork, cart: Cart) -> bool:
    """Whether this would be the customer's first order (codes may be first-order only). A guest is not
    known to be a first-time buyer, so first-order offers need an account."""
    if cart.customer_id is None:
        return False
    placed = await uow.session.scalar(
        select(Order.id)
        .where(Order.customer_id == cart.customer_id, Order.status != OrderStatus.CANCELLED)
        .limit(1)
    )
    return placed is None


async def _shipping_setup(uow: UnitOfWork, cart: Cart) -> shipping.ShippingSetup | None:
    return await shipping.load(uow) if cart.shipping_address else None


def _facts_for_rates(cart: Cart, subtotal: int, weight: int) -> rates.ShipmentFacts | None:
    address = snapshot_from_json(cart.shipping_address)
    if address is None:
        return None
    return rates.ShipmentFacts(address.division, address.district, subtotal, weight, cart.currency)


async def shipping_quotes(uow: UnitOfWork, cart: Cart) -> list[rates.Quote]:
    """The methods offered for the cart's address, priced on its current lines."""
    return list((await compute(uow, cart)).quotes)


async def compute(uow: UnitOfWork, cart: Cart, *, cache: PromotionCache = PROCESS_CACHE) -> CartTotals:
    at = uow.clock()
    lines = await cart_lines(uow, cart.id)
    ids = {line.variant_id for line in lines}
    facts = await variant_facts(uow, ids)
    stock = await available(uow, ids)
    priced_list = await price_many(
        uow.session,
        uow.store_id,
        [PriceRequest(line.variant_id, line.quantity, cart.currency) for line in lines],
        at=at,
        audience=Audience(customer_id=cart.customer_id),
    )
    prices = dict(zip([line.id for line in lines], priced_list, strict=True))
    problems: dict[uuid.UUID, list[LineProblem]] = {}
    sellable: list[CartLine] = []
    good: dict[uuid.UUID, PriceResult] = {}
    for line in lines:
        fact, priced = facts.get(line.variant_id), prices[line.id]
        avail = stock.get(line.variant_id)
        in_stock = avail is not None and avail.can_sell(line.quantity)
        problems[line.id] = _problems(line, fact, priced, avail.available if avail else 0, in_stock)
        if fact is not None and fact.on_sale and priced is not None:
            sellable.append(line)
            good[line.id] = priced

    subtotal = sum(good[line.id].unit.amount * line.quantity for line in sellable)
    weight = sum((facts[line.variant_id].weight_grams or 0) * line.quantity for line in sellable)
    setup = await _shipping_setup(uow, cart)
    shipment = _facts_for_rates(cart, subtotal, weight)
    quotes = rates.quotes(setup.zones, setup.methods, shipment) if setup and shipment else []
    chosen = next((q for q in quotes if q.method.id == cart.shipping_method_id), None)
    shipping_amount = chosen.amount if chosen else 0

    result: PromotionResult | None = None
    unknown: tuple[str, ...] = ()
    if sellable:
        units = {line.variant_id: good[line.id].unit for line in sellable}
        request = CartRequest(
            first_order=await _first_order(uow, cart),
            lines=[LineToPrice(line.variant_id, line.quantity) for line in sellable],
            currency=cart.currency,
            at=at,
            customer_id=cart.customer_id,
            shipping_zone=str(chosen.method.zone_id) if chosen else None,
            shipping_amount=shipping_amount if chosen else None,
            codes=tuple(cart.codes),
        )
        snapshot = await build_snapshot(uow, request, pricer=_Known(units))
        compiled = await cache.get(uow)
        codes, unknown = await lookup_codes(uow, cart.codes)
        result = evaluate(snapshot, compiled, codes)

    # Per line: the snapshot's line id is the line's index among the sellable lines.
    line_discount: dict[uuid.UUID, int] = {}
    line_applied: dict[uuid.UUID, list[AppliedDiscount]] = {}
    order_discounts: list[AppliedDiscount] = []
    if result is not None:
        index = {str(i): line.id for i, line in enumerate(sellable)}
        for applied in result.applied:
            for part in applied.lines:
                lid = index[part.line_id]
                line_discount[lid] = line_discount.get(lid, 0) + part.amount.amount
                line_applied.setdefault(lid, []).append(
                    AppliedDiscount(applied.promotion_id, part.amount.amount, applied.code, applied.name)
                )
            if applied.shipping.amount:
                order_discounts.append(
                    AppliedDiscount(applied.promotion_id, applied.shipping.amount, applied.code, applied.name)
                )
    # The store's setting, which every price result carries; a cart with nothing priced has no tax.
    included = good[sellable[0].id].tax.prices_include_tax if sellable else True
    taxes = split_lines(
        [
            (
                good[line.id].unit.amount * line.quantity - line_discount.get(line.id, 0),
                good[line.id].tax.percent,
            )
            for line in sellable
        ],
        included=included,
    )
    tax_of = {line.id: t.tax for line, t in zip(sellable, taxes, strict=True)}

    priced_lines: list[PricedLine] = []
    for line in lines:
        priced = good.get(line.id)
        if priced is not None:
            sub = priced.unit.amount * line.quantity
            disc = line_discount.get(line.id, 0)
            tax = tax_of[line.id]
            total = sub - disc + (0 if included else tax)
            unit: int | None = priced.unit.amount
        else:
            sub = disc = tax = total = 0
            unit = None
        priced_lines.append(
            PricedLine(
                line=line,
                facts=facts.get(line.variant_id),
                unit_price=unit,
                subtotal=sub,
                discount=disc,
                tax=tax,
                total=total,
                discounts=tuple(line_applied.get(line.id, ())),
                problems=tuple(problems[line.id]),
            )
        )
    shipping_discount = result.shipping_discount.amount if result else 0
    choice = (
        ShippingChoice(
            method_id=chosen.method.id,
            code=chosen.method.code,
            name=chosen.method.name,
            amount=chosen.amount,
            discount=shipping_discount,
            tax=0,
        )
        if chosen
        else None
    )
    lines_total = sum(p.total for p in priced_lines)
    return CartTotals(
        cart=cart,
        currency=cart.currency,
        lines=tuple(priced_lines),
        subtotal=sum(p.subtotal for p in priced_lines),
        discount_total=sum(p.discount for p in priced_lines) + shipping_discount,
        tax_total=sum(p.tax for p in priced_lines),
        shipping_total=shipping_amount,
        total=lines_total + shipping_amount - shipping_discount,
        prices_include_tax=included,
        shipping=choice,
        quotes=tuple(quotes),
        promotion=result,
        discounts=tuple(order_discounts),
        unknown_codes=unknown,
    )
