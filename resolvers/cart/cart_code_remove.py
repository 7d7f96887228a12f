from __future__ import annotations

from domain.cart.details import remove_code
from domain.cart.totals import CartTotals
from resolvers.cart.change import change_cart
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def cart_code_remove(ctx: Context, *, token: str | None, code: str) -> CartTotals:
    return await change_cart(ctx, token, lambda uow, cart: remove_code(uow, cart, code))
