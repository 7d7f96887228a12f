from __future__ import annotations

from domain.cart.services import remove_lines
from domain.cart.totals import CartTotals
from resolvers.cart.change import change_cart
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def cart_lines_remove(ctx: Context, *, token: str | None, line_ids: list[str]) -> CartTotals:
    ids = [require_id(line_id, "CartLine", field=f"lineIds.{i}") for i, line_id in enumerate(line_ids)]
    return await change_cart(ctx, token, lambda uow, cart: remove_lines(uow, cart, ids))
