from __future__ import annotations

import uuid

from domain.pricing.lists import delete_price_list
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def price_list_delete(ctx: Context, *, id: str) -> uuid.UUID:
    list_id = require_id(id, "PriceList", field="id")
    async with ctx.uow() as uow:
        deleted = await delete_price_list(uow, list_id)
        await uow.commit()
    return deleted
