"""From a cart to an `OrderDraft`: the cart priced by `domain.cart.totals` and checked to be orderable.

`build_order_draft` raises `DomainErrors` (codes from `CartErrorCode`, one per fault, all at once) for an
empty cart, missing contact, missing shipping address or method, a method that no longer delivers there,
and every line problem (out of stock, price changed, gone). It reads and never writes: checkout calls it
inside its own transaction, then takes stock and places the order; `mark_converted` then closes the cart.

The draft's line i is the promotion result's cart line "i" (`draft.promotion`), which is what
`domain.promotions.applied.record_applied_promotions` needs to map discounts onto order lines."""

from __future__ import annotations

from sqlalchemy import select

from domain.cart.errors import CartErrorCode
from domain.cart.models import Cart, CartStatus
from domain.cart.totals import CartTotals, compute
from domain.checkout.draft_types import DraftLine, OrderDraft
from domain.customers.addresses import snapshot_from_json
from domain.customers.models import Customer
from domain.errors import DomainError, DomainErrors
from domain.promotions.cache import PROCESS_CACHE, PromotionCache
from domain.uow import UnitOfWork


def _faults(totals: CartTotals, has_contact: bool) -> list[DomainError]:
    cart = totals.cart
    errors: list[DomainError] = []
    if cart.status not in (CartStatus.ACTIVE, CartStatus.ABANDONED):
        return [DomainError(CartErrorCode.CART_NOT_ACTIVE, f"the cart is {cart.status.value}", field="token")]
    if not totals.lines:
        return [DomainError(CartErrorCode.EMPTY_CART, "the cart has no lines", field="lines")]
    for i, line in enumerate(totals.lines):
        for problem in line.problems:
            errors.append(
                DomainError(
                    CartErrorCode.LINE_PROBLEMS,
                    f"{problem.kind.value}: {problem.message}",
                    field=f"lines.{i}",
                )
            )
    if not has_contact:
        errors.append(
            DomainError(CartErrorCode.CONTACT_REQUIRED, "give an email or a phone number", field="email")
        )
    if cart.shipping_address is None:
        errors.append(
            DomainError(
                CartErrorCode.SHIPPING_ADDRESS_REQUIRED, "set a shipping address", field="shippingAddress"
            )
        )
    elif cart.shipping_method_id is None:
        errors.append(
            DomainError(
                CartErrorCode.SHIPPING_METHOD_REQUIRED, "choose a shipping method", field="shippingMethodId"
            )
        )
    elif totals.shipping is None:
        errors.append(
            DomainError(
                CartErrorCode.SHIPPING_METHOD_UNAVAILABLE,
                "the chosen method no longer delivers to this address",
                field="shippingMethodId",
            )
        )
    return errors


async def build_order_draft(
    uow: UnitOfWork, cart: Cart, *, note: str | None = None, cache: PromotionCache = PROCESS_CACHE
) -> OrderDraft:
    """The order this cart would place now, priced and frozen; DomainErrors when it cannot be placed."""
    totals = await compute(uow, cart, cache=cache)
    email, phone = cart.email, cart.phone
    if cart.customer_id is not None and not (email or phone):
        row = (
            await uow.session.execute(
                select(Customer.email, Customer.phone).where(Customer.id == cart.customer_id)
            )
        ).first()
        if row is not None:
            email, phone = row.email, row.phone
    errors = _faults(totals, bool(email or phone))
    if errors:
        raise DomainErrors(errors)
    shipping_address = snapshot_from_json(cart.shipping_address)
    lines = []
    for priced in totals.lines:
        facts, unit = priced.facts, priced.unit_price
        assert facts is not None and unit is not None  # a line without them is a problem, refused above
        lines.append(
            DraftLine(
                variant_id=priced.line.variant_id,
                product_id=facts.product_id,
                sku=facts.sku,
                title=facts.title,
                variant_title=facts.variant_title,
                quantity=priced.line.quantity,
                unit_price=unit,
                subtotal=priced.subtotal,
                discount=priced.discount,
                tax=priced.tax,
                total=priced.total,
                discounts=priced.discounts,
                requires_shipping=True,
                weight_grams=facts.weight_grams,
            )
        )
    applied_codes = (
        tuple(dict.fromkeys(a.code for a in totals.promotion.applied if a.code)) if totals.promotion else ()
    )
    return OrderDraft(
        currency=totals.currency,
        lines=tuple(lines),
        subtotal=totals.subtotal,
        discount_total=totals.discount_total,
        tax_total=totals.tax_total,
        shipping_total=totals.shipping_total,
        total=totals.total,
        prices_include_tax=totals.prices_include_tax,
        cart_id=cart.id,
        customer_id=cart.customer_id,
        email=email,
        phone=phone,
        shipping_address=shipping_address,
        billing_address=snapshot_from_json(cart.billing_address) or shipping_address,
        shipping=totals.shipping,
        codes=applied_codes,
        discounts=totals.discounts,
        note=cart.note if note is None else note,
        locale=cart.locale,
        promotion=totals.promotion,
    )
