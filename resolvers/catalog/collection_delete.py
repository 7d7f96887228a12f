from __future__ import annotations

import uuid

from domain.catalog.collections import delete_collection
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def collection_delete(ctx: Context, *, id: str) -> uuid.UUID:
    collection_id = require_id(id, "Collection", field="id")
    async with ctx.uow() as uow:
        await delete_collection(uow, collection_id)
        await uow.commit()
    return collection_id
