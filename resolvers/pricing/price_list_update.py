from __future__ import annotations

from typing import Any

from domain.pricing.inputs import PriceListChanges
from domain.pricing.lists import audiences_of, update_price_list
from domain.pricing.models import PriceList, PriceListAudience
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id
from resolvers.pricing.refs import decode_refs


@translate
async def price_list_update(
    ctx: Context, *, id: str, changes: dict[str, Any]
) -> tuple[PriceList, list[PriceListAudience]]:
    list_id = require_id(id, "PriceList", field="id")
    data = PriceListChanges.model_validate(decode_refs(changes))
    async with ctx.uow() as uow:
        row = await update_price_list(uow, list_id, data)
        await uow.commit()
        audiences = (await audiences_of(uow, [row.id]))[row.id]
    return row, audiences
