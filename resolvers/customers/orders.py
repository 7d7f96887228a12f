"""The signed-in customer's order history: newest first, with lines, in two statements."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from domain.orders.models import Order, OrderLine
from domain.orders.queries import OrderFilter, lines_by_order, list_orders
from resolvers.context import Context

MAX_ORDERS = 50


@dataclass(frozen=True)
class OrderWithLines:
    order: Order
    lines: list[OrderLine]


async def customer_orders(ctx: Context, customer_id: uuid.UUID, first: int) -> list[OrderWithLines]:
    """Only the caller's own orders: the customer id comes from their session, never from input."""
    ctx.cacheable = False
    wanted = max(1, min(first, MAX_ORDERS))
    async with ctx.read_uow() as uow:
        orders = (await list_orders(uow, OrderFilter(customer_id=customer_id), first=wanted))[:wanted]
        lines = await lines_by_order(uow.session, [o.id for o in orders]) if orders else []
    return [OrderWithLines(o, ls) for o, ls in zip(orders, lines, strict=True)]
