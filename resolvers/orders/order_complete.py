from __future__ import annotations

from domain.orders.models import Order, OrderStatus
from domain.orders.services import transition
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def order_complete(ctx: Context, *, id: str) -> Order:
    order_id = require_id(id, "Order", field="id")
    async with ctx.uow() as uow:
        order = await transition(uow, order_id, OrderStatus.COMPLETED, actor=ctx.principal.actor)
        await uow.commit()
    return order
