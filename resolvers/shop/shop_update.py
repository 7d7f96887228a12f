from __future__ import annotations

from typing import Any

from domain.tenancy.models import Store
from domain.tenancy.services import StoreSettingsInput, update_store_settings
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def shop_update(ctx: Context, *, changes: dict[str, Any]) -> Store:
    data = StoreSettingsInput.model_validate(changes)
    async with ctx.uow() as uow:
        store = await update_store_settings(uow, data, allow_local_origins=ctx.local_origins)
        await uow.commit()
    return store
