from __future__ import annotations

from typing import Any

from domain.cart.details import set_addresses
from domain.cart.totals import CartTotals
from domain.customers.addresses import AddressInput
from resolvers.cart.change import change_cart
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def cart_addresses_update(
    ctx: Context, *, token: str | None, shipping: dict[str, Any] | None, billing: dict[str, Any] | None
) -> CartTotals:
    ship = AddressInput.model_validate(shipping) if shipping is not None else None
    bill = AddressInput.model_validate(billing) if billing is not None else None
    return await change_cart(
        ctx, token, lambda uow, cart: set_addresses(uow, cart, shipping=ship, billing=bill)
    )
