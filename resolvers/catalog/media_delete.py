from __future__ import annotations

import uuid

from domain.catalog.media import delete_media
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def media_delete(ctx: Context, *, id: str) -> uuid.UUID:
    entity_id = require_id(id, "ProductMedia", field="id")
    async with ctx.uow() as uow:
        await delete_media(uow, entity_id)
        await uow.commit()
    return entity_id
