from __future__ import annotations

from domain.access.models import TokenKind
from domain.orders.access import OrderProof
from domain.payments.models import PaymentAttempt, Provider
from domain.payments.services import StartInput, start_payment
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id
from resolvers.payments.idempotent import providers_of

# Staff with this permission may start a payment for any order of their store (a phone order).
STAFF_SCOPE = "orders:write"


async def _proof(ctx: Context, order_access_token: str | None) -> OrderProof | None:
    """None (trusted) for staff; otherwise the caller's customer session and/or the order's token."""
    if ctx.principal.kind is TokenKind.ADMIN and ctx.principal.has(STAFF_SCOPE):
        return None
    return OrderProof(customer_id=await ctx.customer_id(), access_token=order_access_token or None)


@translate
async def payment_start(
    ctx: Context,
    *,
    order_id: str,
    provider: Provider,
    return_url: str | None,
    order_access_token: str | None = None,
) -> PaymentAttempt:
    """Open a payment for the order's total; for hosted providers the answer carries the redirect URL.
    A storefront caller proves the order is theirs by the customer session that placed it or by the
    order's access token (from checkoutComplete); otherwise the answer is NOT_FOUND, as for an unknown id."""
    ctx.cacheable = False
    order = require_id(order_id, "Order", field="orderId")
    customer = await ctx.customer_id()
    if customer is not None:
        actor = f"customer:{customer}"
    else:
        actor = "guest" if ctx.principal.kind is TokenKind.STOREFRONT else ctx.principal.actor
    data = StartInput(
        order_id=order,
        provider=provider,
        amount=None,
        callback_base=ctx.payments_public_url,
        return_url=return_url,
        proof=await _proof(ctx, order_access_token),
        local_origins=ctx.local_origins,
        actor=actor,
    )
    async with ctx.uow() as uow:
        return await start_payment(uow, data, providers=providers_of(ctx))
