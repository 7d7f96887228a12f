from __future__ import annotations

from typing import Any

from domain.promotions.inputs import PromotionFields
from domain.promotions.models import Promotion
from domain.promotions.services import update_promotion
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def promotion_update(ctx: Context, *, id: str, changes: dict[str, Any]) -> Promotion:
    promotion_id = require_id(id, "Promotion", field="id")
    data = PromotionFields.model_validate(changes)
    async with ctx.uow() as uow:
        promotion = await update_promotion(uow, promotion_id, data, limits=ctx.promotion_limits)
        await uow.commit()
    return promotion
