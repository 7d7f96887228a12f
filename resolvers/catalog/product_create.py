from __future__ import annotations

from typing import Any

from domain.catalog.inputs import ProductCreateInput
from domain.catalog.models import Product
from domain.catalog.products import create_product
from resolvers.catalog.refs import decode_refs
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def product_create(ctx: Context, *, values: dict[str, Any]) -> Product:
    data = ProductCreateInput.model_validate(decode_refs(values))
    async with ctx.uow() as uow:
        product = await create_product(uow, data)
        await uow.commit()
    return product
