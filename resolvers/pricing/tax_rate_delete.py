from __future__ import annotations

import uuid

from domain.pricing.tax import delete_tax_rate
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def tax_rate_delete(ctx: Context, *, id: str) -> uuid.UUID:
    rate_id = require_id(id, "TaxRate", field="id")
    async with ctx.uow() as uow:
        deleted = await delete_tax_rate(uow, rate_id)
        await uow.commit()
    return deleted
