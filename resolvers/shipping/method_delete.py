from __future__ import annotations

import uuid

from domain.shipping.services import delete_method
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def shipping_method_delete(ctx: Context, *, id: str) -> uuid.UUID:
    method_id = require_id(id, "ShippingMethod", field="id")
    async with ctx.uow() as uow:
        gone = await delete_method(uow, method_id)
        await uow.commit()
    return gone
