from __future__ import annotations

from domain.catalog.models import ProductType
from domain.catalog.products import update_product_type
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def product_type_update(ctx: Context, *, id: str, name: str) -> ProductType:
    type_id = require_id(id, "ProductType", field="id")
    async with ctx.uow() as uow:
        row = await update_product_type(uow, type_id, name)
        await uow.commit()
    return row
