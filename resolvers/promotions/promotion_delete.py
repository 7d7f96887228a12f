from __future__ import annotations

import uuid

from domain.promotions.services import delete_promotion
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def promotion_delete(ctx: Context, *, id: str) -> uuid.UUID:
    promotion_id = require_id(id, "Promotion", field="id")
    async with ctx.uow() as uow:
        deleted = await delete_promotion(uow, promotion_id)
        await uow.commit()
    return deleted
