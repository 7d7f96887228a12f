from __future__ import annotations

import uuid
from typing import Any

from domain.promotions.codes import generate_codes
from domain.promotions.inputs import CodesGenerateInput
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def discount_codes_generate(
    ctx: Context, *, promotion_id: str, fields: dict[str, Any]
) -> tuple[uuid.UUID, int]:
    pid = require_id(promotion_id, "Promotion", field="promotionId")
    data = CodesGenerateInput.model_validate(fields)
    async with ctx.uow() as uow:
        made = await generate_codes(uow, pid, data, limits=ctx.promotion_limits)
        await uow.commit()
    return made
