from __future__ import annotations

from typing import Any

from domain.shipping.inputs import ZoneInput
from domain.shipping.models import ShippingZone
from domain.shipping.services import update_zone
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def shipping_zone_update(ctx: Context, *, id: str, fields: dict[str, Any]) -> ShippingZone:
    zone_id = require_id(id, "ShippingZone", field="id")
    data = ZoneInput.model_validate(fields)
    async with ctx.uow() as uow:
        row = await update_zone(uow, zone_id, data)
        await uow.commit()
    return row
