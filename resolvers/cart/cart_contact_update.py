from __future__ import annotations

from domain.cart.details import set_contact
from domain.cart.totals import CartTotals
from resolvers.cart.change import change_cart
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def cart_contact_update(
    ctx: Context, *, token: str | None, email: str | None, phone: str | None
) -> CartTotals:
    return await change_cart(ctx, token, lambda uow, cart: set_contact(uow, cart, email=email, phone=phone))
