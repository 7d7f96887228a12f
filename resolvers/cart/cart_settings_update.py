from __future__ import annotations

from typing import Any

from domain.cart.settings import CartSettingsChanges, CartSettingsValues, update_cart_settings
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def cart_settings_update(ctx: Context, *, changes: dict[str, Any]) -> CartSettingsValues:
    data = CartSettingsChanges.model_validate(changes)
    async with ctx.uow() as uow:
        values = await update_cart_settings(uow, data)
        await uow.commit()
    return values
