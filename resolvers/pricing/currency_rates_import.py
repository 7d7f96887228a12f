from __future__ import annotations

from domain.pricing.models import CurrencyRate
from domain.pricing.rates import import_rates
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def currency_rates_import(ctx: Context, *, feed: str) -> list[CurrencyRate]:
    async with ctx.uow() as uow:
        rows = await import_rates(uow, feed)
        await uow.commit()
    return rows
