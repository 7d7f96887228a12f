from __future__ import annotations

from typing import Any

from domain.pricing.inputs import RateInput
from domain.pricing.models import CurrencyRate
from domain.pricing.rates import set_rates
from resolvers.catalog.refs import validate_list
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def currency_rates_set(ctx: Context, *, rates: list[dict[str, Any]]) -> list[CurrencyRate]:
    data = validate_list(RateInput, rates, field="rates")
    async with ctx.uow() as uow:
        rows = await set_rates(uow, data)
        await uow.commit()
    return rows
