from __future__ import annotations

from domain.cart.services import LineChange, add_lines
from domain.cart.totals import CartTotals
from resolvers.cart.change import change_cart
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def cart_lines_add(ctx: Context, *, token: str | None, lines: list[tuple[str, int]]) -> CartTotals:
    changes = [
        LineChange(require_id(v, "ProductVariant", field=f"lines.{i}.variantId"), q)
        for i, (v, q) in enumerate(lines)
    ]
    return await change_cart(ctx, token, lambda uow, cart: add_lines(uow, cart, changes))
