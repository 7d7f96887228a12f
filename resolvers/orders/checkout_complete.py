"""checkoutComplete: turn the shopper's cart into an order, exactly once per idempotency key.

The key comes from the `idempotencyKey` argument or the `Idempotency-Key` header and is scoped by the
token and the signed-in customer. Each step and its crash behaviour is described in
domain/orders/checkout.py; this resolver binds the cart's draft builder and the follow-ups (redeem codes,
convert the cart) to it and maps the idempotency answers to their HTTP status (409 / 422)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError
from domain.idempotency.errors import HTTP_STATUS, IdempotencyErrorCode
from domain.orders.access import issue_access_token, token_of
from domain.orders.cart_checkout import cart_checkout_request, cart_draft
from domain.orders.checkout import complete_checkout
from domain.orders.errors import CheckoutErrorCode
from domain.orders.follow_ups import CHECKOUT_FOLLOW_UPS
from domain.orders.models import Order
from resolvers.context import Context
from resolvers.errors import Outcome, translate


@dataclass(frozen=True)
class CheckoutAnswer:
    order: Order
    replayed: bool
    # The order's access token (a guest's proof for paymentStart); also on a replay of the same key.
    access_token: str | None = None


@translate
async def _checkout_complete(
    ctx: Context,
    *,
    cart_token: str | None,
    payment_method: str,
    note: str | None,
    idempotency_key: str | None,
) -> CheckoutAnswer:
    key = idempotency_key or ctx.idempotency_key
    if not key:
        raise DomainError(
            CheckoutErrorCode.IDEMPOTENCY_KEY_REQUIRED,
            "send an Idempotency-Key header or the idempotencyKey argument",
            field="idempotencyKey",
        )
    if any("\x00" in (text or "") for text in (cart_token, note)):
        raise DomainError(CheckoutErrorCode.INVALID, "text must not contain U+0000", field="input")
    customer_id = await ctx.customer_id()
    ctx.cacheable = False
    request = cart_checkout_request(
        token_id=ctx.principal.token_id,
        customer_id=customer_id,
        key=key,
        cart_token=cart_token,
        payment_method=payment_method,
        note=note,
    )
    build = cart_draft(cart_token=cart_token, customer_id=customer_id, note=note, cache=ctx.promotion_cache)
    follow_ups = (*CHECKOUT_FOLLOW_UPS, issue_access_token(ctx.customer_secret))
    result = await complete_checkout(ctx.uow, request, build, follow_ups=follow_ups)
    order = await ctx.loaders.order_by_id.load(result.order_id)
    if order is None:  # placed in this store a moment ago: only a bug could lose it
        raise RuntimeError(f"order {result.order_id} vanished")
    return CheckoutAnswer(order, result.replayed, token_of(ctx.customer_secret, order))


async def checkout_complete(
    ctx: Context,
    *,
    cart_token: str | None,
    payment_method: str,
    note: str | None,
    idempotency_key: str | None,
) -> Outcome[CheckoutAnswer]:
    out = await _checkout_complete(
        ctx, cart_token=cart_token, payment_method=payment_method, note=note, idempotency_key=idempotency_key
    )
    for error in out.errors:
        if error.code in IdempotencyErrorCode.__members__:
            ctx.http_status = HTTP_STATUS[IdempotencyErrorCode(error.code)]
    return out
