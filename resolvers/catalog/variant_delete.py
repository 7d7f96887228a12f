from __future__ import annotations

import uuid

from domain.catalog.variants import delete_variant
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def variant_delete(ctx: Context, *, id: str) -> uuid.UUID:
    entity_id = require_id(id, "ProductVariant", field="id")
    async with ctx.uow() as uow:
        await delete_variant(uow, entity_id)
        await uow.commit()
    return entity_id
