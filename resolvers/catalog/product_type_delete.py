from __future__ import annotations

import uuid

from domain.catalog.products import delete_product_type
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def product_type_delete(ctx: Context, *, id: str) -> uuid.UUID:
    entity_id = require_id(id, "ProductType", field="id")
    async with ctx.uow() as uow:
        await delete_product_type(uow, entity_id)
        await uow.commit()
    return entity_id
