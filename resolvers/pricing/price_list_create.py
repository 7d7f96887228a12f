from __future__ import annotations

from typing import Any

from domain.pricing.inputs import PriceListInput
from domain.pricing.lists import audiences_of, create_price_list
from domain.pricing.models import PriceList, PriceListAudience
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.pricing.refs import decode_refs


@translate
async def price_list_create(
    ctx: Context, *, values: dict[str, Any]
) -> tuple[PriceList, list[PriceListAudience]]:
    data = PriceListInput.model_validate(decode_refs(values))
    async with ctx.uow() as uow:
        row = await create_price_list(uow, data)
        await uow.commit()
        audiences = (await audiences_of(uow, [row.id]))[row.id]
    return row, audiences
