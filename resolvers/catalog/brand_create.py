from __future__ import annotations

from typing import Any

from domain.catalog.brands import create_brand
from domain.catalog.inputs import BrandCreateInput
from domain.catalog.models import Brand
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def brand_create(ctx: Context, *, values: dict[str, Any]) -> Brand:
    data = BrandCreateInput.model_validate(values)
    async with ctx.uow() as uow:
        brand = await create_brand(uow, data)
        await uow.commit()
    return brand
