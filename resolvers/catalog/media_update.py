from __future__ import annotations

from typing import Any

from domain.catalog.inputs import MediaFields
from domain.catalog.media import update_media
from domain.catalog.models import ProductMedia
from resolvers.catalog.refs import decode_refs
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def media_update(ctx: Context, *, id: str, changes: dict[str, Any]) -> ProductMedia:
    media_id = require_id(id, "ProductMedia", field="id")
    data = MediaFields.model_validate(decode_refs(changes))
    async with ctx.uow() as uow:
        media = await update_media(uow, media_id, data)
        await uow.commit()
    return media
