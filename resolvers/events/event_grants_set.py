from __future__ import annotations

from domain.events.grants import set_event_grants
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def event_grants_set(ctx: Context, *, token_id: str, types: list[str]) -> list[str]:
    token = require_id(token_id, "ApiToken", field="tokenId")
    async with ctx.uow() as uow:
        granted = await set_event_grants(uow, token, types)
        await uow.commit()
    return granted
