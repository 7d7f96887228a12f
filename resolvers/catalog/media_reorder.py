from __future__ import annotations

from domain.catalog.media import reorder_media
from domain.catalog.models import ProductMedia
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def media_reorder(ctx: Context, *, product_id: str, media_ids: list[str]) -> list[ProductMedia]:
    pid = require_id(product_id, "Product", field="productId")
    ids = [require_id(m, "ProductMedia", field=f"mediaIds.{i}") for i, m in enumerate(media_ids)]
    async with ctx.uow() as uow:
        media = await reorder_media(uow, pid, ids)
        await uow.commit()
    return media
