from __future__ import annotations

from dataclasses import dataclass

from domain.cart.services import LineChange, add_lines, create_cart
from domain.cart.totals import CartTotals, compute
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@dataclass(frozen=True)
class CreatedCart:
    totals: CartTotals
    token: str


@translate
async def cart_create(
    ctx: Context, *, currency: str | None, lines: list[tuple[str, int]], locale: str | None
) -> CreatedCart:
    """A new cart (a signed-in customer's existing one, with a fresh token), optionally with lines."""
    changes = [
        LineChange(require_id(v, "ProductVariant", field=f"lines.{i}.variantId"), q)
        for i, (v, q) in enumerate(lines)
    ]
    customer = await ctx.customer_id()
    async with ctx.uow() as uow:
        cart, token = await create_cart(
            uow, currency=currency or ctx.currency, customer_id=customer, locale=locale or ctx.locale or "en"
        )
        if changes:
            await add_lines(uow, cart, changes)
        totals = await compute(uow, cart, cache=ctx.promotion_cache)
        await uow.commit()
    return CreatedCart(totals, token)
