"""What checkout does in the placing transaction once the order is written: use the discount codes, open
the cash-on-delivery payment, close the cart. Each raises DomainError to undo the whole placement (e.g. the
last use of a code was taken by another checkout a moment ago), so an order never exists without them."""

from __future__ import annotations

from sqlalchemy import func, select

from domain.cart.services import mark_converted
from domain.checkout.draft_types import OrderDraft
from domain.orders.models import Order
from domain.orders.timeline import record
from domain.payments.models import Provider
from domain.payments.services import open_cod
from domain.promotions.redemption import redeem_reservation, reserve_code
from domain.uow import UnitOfWork


async def redeem_codes(uow: UnitOfWork, order: Order, draft: OrderDraft) -> None:
    """Take one use of each applied code (usage limits are enforced by conditional updates there) and
    mark it redeemed by this order."""
    if not draft.codes:
        return
    first_order = True
    if draft.customer_id is not None:
        earlier = await uow.session.scalar(
            select(func.count())
            .select_from(Order)
            .where(Order.customer_id == draft.customer_id, Order.id != order.id)
        )
        first_order = not earlier
    for code in draft.codes:
        held = await reserve_code(
            uow,
            code,
            reference=order.checkout_key or str(order.id),
            customer_id=draft.customer_id,
            subtotal=draft.subtotal,
            first_order=first_order,
            now=uow.clock(),
        )
        await redeem_reservation(uow, held.id, order_id=order.id)


async def open_cod_payment(uow: UnitOfWork, order: Order, draft: OrderDraft) -> None:
    """A cash-on-delivery order gets its pending payment attempt with the order itself (payments.open_cod;
    captured later when the courier reports the cash). Hosted methods (bKash, Nagad, SSLCommerz, card)
    start theirs with the storefront's paymentStart, which calls the provider outside any transaction."""
    if order.payment_method != Provider.COD.value or order.total <= 0:
        return
    attempt = await open_cod(uow, order.id)
    record(
        uow,
        order.id,
        "payment_started",
        actor="system",
        message="Cash on delivery",
        data={"attempt_id": str(attempt.id), "provider": "cod", "amount": attempt.amount},
    )


async def convert_cart(uow: UnitOfWork, order: Order, draft: OrderDraft) -> None:
    """The cart became this order: it converts once (a second checkout of it gets CART_NOT_ACTIVE)."""
    if draft.cart_id is not None:
        await mark_converted(uow, draft.cart_id)


# What checkoutComplete runs in the placing transaction, in this order.
CHECKOUT_FOLLOW_UPS = (redeem_codes, convert_cart, open_cod_payment)
