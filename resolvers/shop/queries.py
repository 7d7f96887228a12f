from __future__ import annotations

from domain.tenancy.models import Store
from domain.tenancy.services import current_store
from resolvers.context import Context


async def shop(ctx: Context) -> Store:
    ctx.cache_tags.add(f"store:{ctx.principal.store_id}")
    async with ctx.read_uow() as uow:
        return await current_store(uow)
