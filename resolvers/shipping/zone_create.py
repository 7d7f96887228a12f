from __future__ import annotations

from typing import Any

from domain.shipping.inputs import ZoneInput
from domain.shipping.models import ShippingZone
from domain.shipping.services import create_zone
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def shipping_zone_create(ctx: Context, *, fields: dict[str, Any]) -> ShippingZone:
    data = ZoneInput.model_validate(fields)
    async with ctx.uow() as uow:
        row = await create_zone(uow, data)
        await uow.commit()
    return row
