from __future__ import annotations

import uuid

from domain.pricing.tax import delete_tax_class
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def tax_class_delete(ctx: Context, *, id: str) -> uuid.UUID:
    class_id = require_id(id, "TaxClass", field="id")
    async with ctx.uow() as uow:
        deleted = await delete_tax_class(uow, class_id)
        await uow.commit()
    return deleted
