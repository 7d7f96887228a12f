from __future__ import annotations

from domain.access.models import ApiToken
from domain.access.services import revoke_token
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def api_token_revoke(ctx: Context, *, id: str) -> ApiToken:
    token_id = require_id(id, "ApiToken", field="id")
    async with ctx.uow() as uow:
        token = await revoke_token(uow, token_id)
        await uow.commit()
    return token
