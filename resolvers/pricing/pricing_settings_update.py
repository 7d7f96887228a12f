from __future__ import annotations

from typing import Any

from domain.pricing.inputs import PricingSettingsInput
from domain.pricing.models import PricingSettings
from domain.pricing.settings import update_pricing_settings
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def pricing_settings_update(ctx: Context, *, changes: dict[str, Any]) -> PricingSettings:
    values = dict(changes)
    if values.get("rounding_steps") is not None:
        values["rounding_steps"] = {s["currency"]: s["step"] for s in values["rounding_steps"]}
    data = PricingSettingsInput.model_validate(values)
    async with ctx.uow() as uow:
        row = await update_pricing_settings(uow, data)
        await uow.commit()
    return row
