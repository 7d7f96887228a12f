"""Read resolvers of couriers, shipments and returns."""

from __future__ import annotations

from domain.fulfillment.courier_accounts import list_accounts
from domain.fulfillment.models import CourierAccount
from domain.fulfillment.queries import ShipmentView, shipments_of_order
from resolvers.context import Context
from resolvers.ids import decode_global_id


async def courier_accounts(ctx: Context) -> list[CourierAccount]:
    async with ctx.read_uow() as uow:
        return await list_accounts(uow)


async def order_shipments(ctx: Context, order_id: str) -> list[ShipmentView]:
    found = decode_global_id(order_id, "Order")
    if found is None:
        return []
    async with ctx.read_uow() as uow:
        return await shipments_of_order(uow.session, found)
