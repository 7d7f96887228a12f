from __future__ import annotations

import uuid

from domain.shipping.services import delete_zone
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def shipping_zone_delete(ctx: Context, *, id: str) -> uuid.UUID:
    zone_id = require_id(id, "ShippingZone", field="id")
    async with ctx.uow() as uow:
        gone = await delete_zone(uow, zone_id)
        await uow.commit()
    return gone
