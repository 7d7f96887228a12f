from __future__ import annotations

from typing import Any

from domain.pricing.inputs import ListPriceInput
from domain.pricing.lists import set_list_prices
from resolvers.catalog.refs import validate_list
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id
from resolvers.pricing.refs import decode_items


@translate
async def price_list_prices_set(
    ctx: Context, *, price_list_id: str, prices: list[dict[str, Any]]
) -> list[ListPriceInput]:
    list_id = require_id(price_list_id, "PriceList", field="priceListId")
    data = validate_list(ListPriceInput, decode_items(prices, field="prices"), field="prices")
    async with ctx.uow() as uow:
        rows = await set_list_prices(uow, list_id, data)
        await uow.commit()
    return rows
