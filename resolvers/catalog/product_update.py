from __future__ import annotations

from typing import Any

from domain.catalog.inputs import ProductFields
from domain.catalog.models import Product
from domain.catalog.products import update_product
from resolvers.catalog.refs import decode_refs
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def product_update(ctx: Context, *, id: str, changes: dict[str, Any]) -> Product:
    product_id = require_id(id, "Product", field="id")
    data = ProductFields.model_validate(decode_refs(changes))
    async with ctx.uow() as uow:
        product = await update_product(uow, product_id, data)
        await uow.commit()
    return product
