"""Cart reads: the storefront's cart (by token, or the signed-in customer's active cart), and the store's
cart settings for admins."""

from __future__ import annotations

from domain.cart.services import find_cart
from domain.cart.settings import CartSettingsValues, cart_settings
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


async def settings(ctx: Context) -> CartSettingsValues:
    async with ctx.read_uow() as uow:
        return await cart_settings(uow)
