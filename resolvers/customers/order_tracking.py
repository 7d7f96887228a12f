"""One order as its shopper may see it: the signed-in customer's by number, or a guest's by number and the
email or phone given at checkout. Both answer null for anything else, the same way."""

from __future__ import annotations

import uuid

from domain.customers.errors import CustomerErrorCode
from domain.errors import DomainError
from domain.fulfillment.order_tracking import OrderTracking, customer_order, guest_order, order_tracking
from resolvers.context import ORDER_LOOKUPS, Context


async def my_order(ctx: Context, customer_id: uuid.UUID, number: int) -> OrderTracking | None:
    """Only the caller's own order: the customer id comes from their session, never from input."""
    ctx.cacheable = False
    async with ctx.read_uow() as uow:
        order = await customer_order(uow, customer_id, number)
        if order is None:
            return None
        return await order_tracking(uow.session, order, tracking_pages=ctx.courier_tracking_urls)


async def order_lookup(ctx: Context, number: int, contact: str) -> OrderTracking | None:
    """A guest's order: the number and the checkout's email or phone must both match. Throttled like a
    login (gateway/attempts.py): per order number, and misses per client address; TOO_MANY_ATTEMPTS over
    the limit, whether or not the order exists."""
    ctx.cacheable = False  # one shopper's order: never in the shared response cache
    store_id, identity, guard = ctx.principal.store_id, f"order:{number}", ctx.attempts
    if guard is not None and not await guard.take(ORDER_LOOKUPS, store_id, identity, ctx.client_ip):
        raise DomainError(
            CustomerErrorCode.TOO_MANY_ATTEMPTS,
            "too many order lookups for this number or from this network: wait a few minutes",
            field="number",
        )
    async with ctx.read_uow() as uow:
        order = await guest_order(uow, number, contact)
        if order is None:
            return None
        found = await order_tracking(uow.session, order, tracking_pages=ctx.courier_tracking_urls)
    if guard is not None:
        await guard.succeeded(ORDER_LOOKUPS, store_id, identity, ctx.client_ip)
    return found
