from __future__ import annotations

from domain.catalog.models import ProductType
from domain.catalog.products import create_product_type
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def product_type_create(ctx: Context, *, name: str) -> ProductType:
    async with ctx.uow() as uow:
        row = await create_product_type(uow, name)
        await uow.commit()
    return row
