from __future__ import annotations

from typing import Any

from domain.promotions.codes import create_code
from domain.promotions.inputs import CodeCreateInput
from domain.promotions.models import DiscountCode
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def discount_code_create(ctx: Context, *, promotion_id: str, fields: dict[str, Any]) -> DiscountCode:
    pid = require_id(promotion_id, "Promotion", field="promotionId")
    data = CodeCreateInput.model_validate(fields)
    async with ctx.uow() as uow:
        code = await create_code(uow, pid, data)
        await uow.commit()
    return code
