from __future__ import annotations

from typing import Any

from domain.pricing.inputs import TierInput
from domain.pricing.lists import set_tiers
from resolvers.catalog.refs import validate_list
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def price_tiers_set(
    ctx: Context, *, price_list_id: str, variant_id: str, currency: str, tiers: list[dict[str, Any]]
) -> list[tuple[int, int]]:
    list_id = require_id(price_list_id, "PriceList", field="priceListId")
    vid = require_id(variant_id, "ProductVariant", field="variantId")
    data = validate_list(TierInput, tiers, field="tiers")
    async with ctx.uow() as uow:
        breaks = await set_tiers(uow, list_id, vid, currency, data)
        await uow.commit()
    return breaks
