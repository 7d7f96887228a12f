from __future__ import annotations

from typing import Any

from domain.shipping.inputs import MethodInput
from domain.shipping.models import ShippingMethod
from domain.shipping.services import update_method
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def shipping_method_update(ctx: Context, *, id: str, fields: dict[str, Any]) -> ShippingMethod:
    method_id = require_id(id, "ShippingMethod", field="id")
    fields = {**fields, "zone_id": require_id(fields["zone_id"], "ShippingZone", field="zoneId")}
    data = MethodInput.model_validate(fields)
    async with ctx.uow() as uow:
        row = await update_method(uow, method_id, data)
        await uow.commit()
    return row
