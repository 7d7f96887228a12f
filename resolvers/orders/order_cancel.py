from __future__ import annotations

from domain.errors import DomainError
from domain.orders.errors import OrderErrorCode
from domain.orders.models import Order
from domain.orders.services import cancel_order
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def order_cancel(ctx: Context, *, id: str, reason: str) -> Order:
    order_id = require_id(id, "Order", field="id")
    if "\x00" in reason:
        raise DomainError(OrderErrorCode.INVALID, "the reason must not contain U+0000", field="reason")
    async with ctx.uow() as uow:
        order = await cancel_order(uow, order_id, actor=ctx.principal.actor, reason=reason.strip()[:500])
        await uow.commit()
    return order
