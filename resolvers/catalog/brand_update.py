from __future__ import annotations

from typing import Any

from domain.catalog.brands import update_brand
from domain.catalog.inputs import BrandFields
from domain.catalog.models import Brand
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def brand_update(ctx: Context, *, id: str, changes: dict[str, Any]) -> Brand:
    brand_id = require_id(id, "Brand", field="id")
    data = BrandFields.model_validate(changes)
    async with ctx.uow() as uow:
        brand = await update_brand(uow, brand_id, data)
        await uow.commit()
    return brand
