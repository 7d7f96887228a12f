from __future__ import annotations

from typing import Any

from domain.pricing.inputs import TaxClassInput
from domain.pricing.models import TaxClass
from domain.pricing.tax import create_tax_class
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def tax_class_create(ctx: Context, *, values: dict[str, Any]) -> TaxClass:
    data = TaxClassInput.model_validate(values)
    async with ctx.uow() as uow:
        row = await create_tax_class(uow, data)
        await uow.commit()
    return row
