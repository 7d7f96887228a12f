"""Admin reads of orders: the filtered list (newest first), one order by id or number."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from domain.orders import queries as order_queries
from domain.orders.models import Order, OrderStatus, PaymentStatus
from resolvers.context import Context
from resolvers.pagination import Page, decode_cursor, page_size, to_page


@dataclass(frozen=True)
class OrderListArgs:
    status: list[OrderStatus]
    payment_status: list[PaymentStatus]
    customer_id: uuid.UUID | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    search: str | None = None


async def list_orders(
    ctx: Context, args: OrderListArgs, *, first: int | None, after: str | None
) -> Page[Order]:
    size = page_size(first, ctx.default_page_size)
    cursor = decode_cursor(after) if after else None
    f = order_queries.OrderFilter(
        status=args.status,
        payment_status=args.payment_status,
        customer_id=args.customer_id,
        created_from=args.created_from,
        created_to=args.created_to,
        search=args.search,
    )
    async with ctx.read_uow() as uow:
        rows = await order_queries.list_orders(uow, f, first=size, after=cursor)
    ctx.loaders.order_by_id.prime_many((r.id, r) for r in rows)
    return to_page(rows, size, after=after, key=lambda r: (r.created_at, r.id))


async def order(ctx: Context, order_id: uuid.UUID) -> Order | None:
    found: Order | None = await ctx.loaders.order_by_id.load(order_id)
    return found


async def order_by_number(ctx: Context, number: int) -> Order | None:
    async with ctx.read_uow() as uow:
        found = await order_queries.order_by_number(uow, number)
    if found is not None:
        ctx.loaders.order_by_id.prime_many([(found.id, found)])
    return found
