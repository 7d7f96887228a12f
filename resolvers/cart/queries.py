"""The storefront's cart read: by token, or the signed-in customer's active cart."""

from __future__ import annotations

from domain.cart.services import find_cart
from domain.cart.totals import CartTotals, compute
from domain.errors import DomainError
from resolvers.context import Context


async def cart(ctx: Context, token: str | None) -> CartTotals | None:
    """None when there is no such cart (or it is another customer's). Never cached: it is the caller's."""
    customer = await ctx.customer_id()
    async with ctx.uow() as uow:
        try:
            found = await find_cart(uow, token=token, customer_id=customer)
        except DomainError:
            return None
        return await compute(uow, found, cache=ctx.promotion_cache)
