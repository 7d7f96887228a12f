"""Read resolvers of couriers, shipments and returns."""

from __future__ import annotations

from domain.fulfillment.courier_accounts import list_accounts
from domain.fulfillment.models import CourierAccount
from resolvers.context import Context


async def courier_accounts(ctx: Context) -> list[CourierAccount]:
    async with ctx.read_uow() as uow:
        return await list_accounts(uow)
