from __future__ import annotations

from typing import Any

from domain.pricing.inputs import TaxRateInput
from domain.pricing.models import TaxRate
from domain.pricing.tax import set_tax_rate
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.pricing.refs import decode_refs


@translate
async def tax_rate_set(ctx: Context, *, values: dict[str, Any]) -> TaxRate:
    data = TaxRateInput.model_validate(decode_refs(values))
    async with ctx.uow() as uow:
        row = await set_tax_rate(uow, data)
        await uow.commit()
    return row
