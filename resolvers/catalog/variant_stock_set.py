from __future__ import annotations

from typing import Any

from domain.catalog.inputs import StockInput
from domain.catalog.models import ProductVariant, StockLevel
from domain.catalog.stock import set_stock_level
from domain.catalog.writes import require
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def variant_stock_set(
    ctx: Context, *, variant_id: str, values: dict[str, Any]
) -> tuple[ProductVariant, StockLevel]:
    vid = require_id(variant_id, "ProductVariant", field="variantId")
    data = StockInput.model_validate(values)
    async with ctx.uow() as uow:
        level = await set_stock_level(uow, vid, data)
        variant = await require(uow, ProductVariant, vid, field="variantId")
        await uow.commit()
    return variant, level
