from __future__ import annotations

from domain.orders.models import Order
from domain.orders.services import add_note
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def order_note_add(ctx: Context, *, id: str, note: str) -> Order:
    order_id = require_id(id, "Order", field="id")
    async with ctx.uow() as uow:
        order = await add_note(uow, order_id, note, actor=ctx.principal.actor)
        await uow.commit()
    return order
