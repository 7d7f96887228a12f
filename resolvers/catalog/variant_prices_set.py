from __future__ import annotations

from typing import Any

from domain.catalog.inputs import PriceInput
from domain.catalog.models import ProductVariant, VariantPrice
from domain.catalog.prices import set_variant_prices
from domain.catalog.writes import require
from resolvers.catalog.refs import validate_list
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def variant_prices_set(
    ctx: Context, *, variant_id: str, prices: list[dict[str, Any]]
) -> tuple[ProductVariant, list[VariantPrice]]:
    vid = require_id(variant_id, "ProductVariant", field="variantId")
    data = validate_list(PriceInput, prices, field="prices")
    async with ctx.uow() as uow:
        rows = await set_variant_prices(uow, vid, data)
        variant = await require(uow, ProductVariant, vid, field="variantId")
        await uow.commit()
    return variant, rows
