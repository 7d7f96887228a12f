from __future__ import annotations

from typing import Any

from domain.pricing.inputs import TaxClassInput
from domain.pricing.models import TaxClass
from domain.pricing.tax import update_tax_class
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def tax_class_update(ctx: Context, *, id: str, values: dict[str, Any]) -> TaxClass:
    class_id = require_id(id, "TaxClass", field="id")
    data = TaxClassInput.model_validate(values)
    async with ctx.uow() as uow:
        row = await update_tax_class(uow, class_id, data)
        await uow.commit()
    return row
