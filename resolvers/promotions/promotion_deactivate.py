from __future__ import annotations

from domain.promotions.models import Promotion
from domain.promotions.services import set_promotion_active
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def promotion_deactivate(ctx: Context, *, id: str) -> Promotion:
    promotion_id = require_id(id, "Promotion", field="id")
    async with ctx.uow() as uow:
        promotion = await set_promotion_active(uow, promotion_id, False, limits=ctx.promotion_limits)
        await uow.commit()
    return promotion
