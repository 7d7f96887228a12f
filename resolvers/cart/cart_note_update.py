from __future__ import annotations

from domain.cart.details import set_note
from domain.cart.totals import CartTotals
from resolvers.cart.change import change_cart
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def cart_note_update(ctx: Context, *, token: str | None, note: str) -> CartTotals:
    return await change_cart(ctx, token, lambda uow, cart: set_note(uow, cart, note))
