from __future__ import annotations

import uuid

from domain.catalog.products import delete_product
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def product_delete(ctx: Context, *, id: str) -> uuid.UUID:
    product_id = require_id(id, "Product", field="id")
    async with ctx.uow() as uow:
        await delete_product(uow, product_id)
        await uow.commit()
    return product_id
