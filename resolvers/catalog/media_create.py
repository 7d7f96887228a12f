from __future__ import annotations

from typing import Any

from domain.catalog.inputs import MediaCreateInput
from domain.catalog.media import add_media
from domain.catalog.models import ProductMedia
from resolvers.catalog.refs import decode_refs
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def media_create(ctx: Context, *, product_id: str, values: dict[str, Any]) -> ProductMedia:
    pid = require_id(product_id, "Product", field="productId")
    data = MediaCreateInput.model_validate(decode_refs(values))
    async with ctx.uow() as uow:
        media = await add_media(uow, pid, data)
        await uow.commit()
    return media
