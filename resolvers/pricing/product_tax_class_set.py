from __future__ import annotations

import uuid

from domain.pricing.tax import set_product_tax_class
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def product_tax_class_set(ctx: Context, *, product_id: str, tax_class_id: str | None) -> uuid.UUID:
    pid = require_id(product_id, "Product", field="productId")
    cid = require_id(tax_class_id, "TaxClass", field="taxClassId") if tax_class_id else None
    async with ctx.uow() as uow:
        await set_product_tax_class(uow, pid, cid)
        await uow.commit()
    return pid
