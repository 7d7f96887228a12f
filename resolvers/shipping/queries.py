from __future__ import annotations

from domain.shipping.services import ShippingSetup, load
from resolvers.context import Context


async def shipping_setup(ctx: Context) -> ShippingSetup:
    async with ctx.read_uow() as uow:
        return await load(uow)
