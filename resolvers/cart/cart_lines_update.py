from __future__ import annotations

from domain.cart.services import update_lines
from domain.cart.totals import CartTotals
from resolvers.cart.change import change_cart
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def cart_lines_update(ctx: Context, *, token: str | None, lines: list[tuple[str, int]]) -> CartTotals:
    changes = [
        (require_id(line_id, "CartLine", field=f"lines.{i}.lineId"), q)
        for i, (line_id, q) in enumerate(lines)
    ]
    return await change_cart(ctx, token, lambda uow, cart: update_lines(uow, cart, changes))
