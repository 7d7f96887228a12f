"""Read resolvers of tokens, roles and permissions."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from domain.access.models import ApiToken, Permission, Role
from resolvers.context import Context
from resolvers.pagination import Page, keyset, page_size, to_page


async def list_tokens(ctx: Context, *, first: int | None, after: str | None) -> Page[ApiToken]:
    size = page_size(first, ctx.default_page_size)
    async with ctx.read_uow() as uow:
        stmt = keyset(select(ApiToken), ApiToken.created_at, ApiToken.id, first=size, after=after)
        rows = (await uow.session.scalars(stmt)).all()
    return to_page(rows, size, after=after, key=lambda t: (t.created_at, t.id))


async def list_roles(ctx: Context, *, first: int | None, after: str | None) -> Page[Role]:
    size = page_size(first, ctx.default_page_size)
    async with ctx.read_uow() as uow:
        stmt = keyset(select(Role), Role.created_at, Role.id, first=size, after=after)
        rows = (await uow.session.scalars(stmt)).all()
    return to_page(rows, size, after=after, key=lambda r: (r.created_at, r.id))


async def list_permissions(ctx: Context) -> list[Permission]:
    async with ctx.read_uow() as uow:
        return list((await uow.session.scalars(select(Permission).order_by(Permission.code))).all())


async def token(ctx: Context, token_id: uuid.UUID) -> ApiToken | None:
    result: ApiToken | None = await ctx.loaders.token_by_id.load(token_id)
    return result


async def role(ctx: Context, role_id: uuid.UUID) -> Role | None:
    result: Role | None = await ctx.loaders.role_by_id.load(role_id)
    return result


async def role_permissions(ctx: Context, role_id: uuid.UUID) -> list[str]:
    result: list[str] = await ctx.loaders.permissions_by_role.load(role_id)
    return result
