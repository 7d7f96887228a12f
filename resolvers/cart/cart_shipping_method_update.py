from __future__ import annotations

from domain.cart.details import set_shipping_method
from domain.cart.totals import CartTotals
from resolvers.cart.change import change_cart
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def cart_shipping_method_update(ctx: Context, *, token: str | None, method_id: str) -> CartTotals:
    mid = require_id(method_id, "ShippingMethod", field="shippingMethodId")
    return await change_cart(ctx, token, lambda uow, cart: set_shipping_method(uow, cart, mid))
