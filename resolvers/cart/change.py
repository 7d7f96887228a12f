"""The one shape of every cart mutation: find the caller's cart (token, or the signed-in customer's),
locked; apply one domain change; price the result in the same transaction; commit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from domain.cart.models import Cart
from domain.cart.services import changeable_cart
from domain.cart.totals import CartTotals, compute
from domain.uow import UnitOfWork
from resolvers.context import Context

Change = Callable[[UnitOfWork, Cart], Awaitable[object]]


async def change_cart(ctx: Context, token: str | None, change: Change) -> CartTotals:
    customer = await ctx.customer_id()
    async with ctx.uow() as uow:
        cart = await changeable_cart(uow, token=token, customer_id=customer)
        await change(uow, cart)
        totals = await compute(uow, cart, cache=ctx.promotion_cache)
        await uow.commit()
    return totals
