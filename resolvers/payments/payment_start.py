from __future__ import annotations

from domain.access.models import TokenKind
from domain.payments.models import PaymentAttempt, Provider
from domain.payments.services import StartInput, start_payment
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id
from resolvers.payments.idempotent import providers_of


@translate
async def payment_start(
    ctx: Context, *, order_id: str, provider: Provider, return_url: str | None
) -> PaymentAttempt:
    """Open a payment for the order's total; for hosted providers the answer carries the redirect URL."""
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
        actor=actor,
    )
    async with ctx.uow() as uow:
        return await start_payment(uow, data, providers=providers_of(ctx))
