from __future__ import annotations

from domain.access.services import delete_role
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def role_delete(ctx: Context, *, id: str) -> str:
    role_id = require_id(id, "Role", field="id")
    async with ctx.uow() as uow:
        await delete_role(uow, role_id)
        await uow.commit()
    return id
