from __future__ import annotations

from domain.cart.details import apply_code
from domain.cart.totals import CartTotals
from resolvers.cart.change import change_cart
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def cart_code_apply(ctx: Context, *, token: str | None, code: str) -> CartTotals:
    return await change_cart(ctx, token, lambda uow, cart: apply_code(uow, cart, code))
