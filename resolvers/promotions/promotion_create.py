from __future__ import annotations

from typing import Any

from domain.promotions.inputs import PromotionCreateInput
from domain.promotions.models import Promotion
from domain.promotions.services import create_promotion
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def promotion_create(ctx: Context, *, fields: dict[str, Any]) -> Promotion:
    data = PromotionCreateInput.model_validate(fields)
    async with ctx.uow() as uow:
        promotion = await create_promotion(uow, data, limits=ctx.promotion_limits)
        await uow.commit()
    return promotion
