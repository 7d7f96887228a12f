from __future__ import annotations

import uuid

from domain.catalog.attributes import delete_attribute
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def attribute_delete(ctx: Context, *, id: str) -> uuid.UUID:
    entity_id = require_id(id, "Attribute", field="id")
    async with ctx.uow() as uow:
        await delete_attribute(uow, entity_id)
        await uow.commit()
    return entity_id
