from __future__ import annotations

from domain.access.models import Role
from domain.access.services import update_role_permissions
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def role_update(ctx: Context, *, id: str, permissions: list[str]) -> Role:
    role_id = require_id(id, "Role", field="id")
    async with ctx.uow() as uow:
        role = await update_role_permissions(uow, role_id, permissions, grantor=ctx.principal.scopes)
        await uow.commit()
    return role
