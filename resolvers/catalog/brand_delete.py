from __future__ import annotations

import uuid

from domain.catalog.brands import delete_brand
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def brand_delete(ctx: Context, *, id: str) -> uuid.UUID:
    entity_id = require_id(id, "Brand", field="id")
    async with ctx.uow() as uow:
        await delete_brand(uow, entity_id)
        await uow.commit()
    return entity_id
