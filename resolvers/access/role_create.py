from __future__ import annotations

from domain.access.models import Role
from domain.access.services import RoleInput, create_role
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def role_create(ctx: Context, *, name: str, description: str, permissions: list[str]) -> Role:
    data = RoleInput(name=name, description=description, permissions=permissions)
    async with ctx.uow() as uow:
        role = await create_role(uow, data, grantor=ctx.principal.scopes)
        await uow.commit()
    return role
