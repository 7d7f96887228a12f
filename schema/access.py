"""Tokens, roles and permissions: types, queries and mutations."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from domain.access import models
from domain.access.errors import AccessErrorCode
from resolvers.access import queries
from resolvers.access.api_token_create import api_token_create
from resolvers.access.api_token_revoke import api_token_revoke
from resolvers.access.role_create import role_create
from resolvers.access.role_delete import role_delete
from resolvers.access.role_update import role_update
from resolvers.context import Context
from schema.errors import AccessError, convert
from schema.permissions import requires
from schema.relay_utils import connection

strawberry.enum(models.TokenKind, name="TokenKind", description="Who a token is for.")
TokenKind = models.TokenKind
Info = strawberry.Info[Context, None]


def _uuids(node_ids: Iterable[str]) -> list[uuid.UUID | None]:
    out: list[uuid.UUID | None] = []
    for raw in node_ids:
        try:
            out.append(uuid.UUID(raw))
        except ValueError:
            out.append(None)
    return out


async def _none() -> None:
    return None


@strawberry.type(description="A named scope a token or role can hold.")
class Permission:
    code: str = strawberry.field(description="The scope, e.g. `catalog:write`.")
    description: str = strawberry.field(description="What it allows.")


@strawberry.type(name="ApiToken", description="An API token. The secret is shown once, at creation.")
class ApiTokenNode(relay.Node):
    id: relay.NodeID[str]
    name: str = strawberry.field(description="A label for people.")
    kind: TokenKind = strawberry.field(description="storefront, admin or partner.")
    prefix: str = strawberry.field(description="The first characters of the secret, to recognise it.")
    scopes: list[str] = strawberry.field(description="Scopes granted directly (a role may add more).")
    expires_at: datetime | None = strawberry.field(description="When it stops working, if ever.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked.")
    last_used_at: datetime | None = strawberry.field(description="Last use, to the minute.")
    created_at: datetime = strawberry.field(description="When it was created.")
    role_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_model(cls, m: models.ApiToken) -> ApiTokenNode:
        return cls(
            id=str(m.id),
            name=m.name,
            kind=m.kind,
            prefix=m.prefix,
            scopes=list(m.scopes or []),
            expires_at=m.expires_at,
            revoked_at=m.revoked_at,
            last_used_at=m.last_used_at,
            created_at=m.created_at,
            role_id=m.role_id,
        )

    @strawberry.field(description="The role whose permissions the token also holds.")
    async def role(self, info: Info) -> RoleNode | None:
        if self.role_id is None:
            return None
        found = await queries.role(info.context, self.role_id)
        return RoleNode.from_model(found) if found else None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ApiTokenNode | None]:
        ids = _uuids(node_ids)
        found = await asyncio.gather(*(queries.token(info.context, i) if i else _none() for i in ids))
        return [cls.from_model(t) if t else None for t in found]


@strawberry.type(name="Role", description="A named set of permissions in one store.")
class RoleNode(relay.Node):
    id: relay.NodeID[str]
    name: str = strawberry.field(description="Unique in the store.")
    description: str = strawberry.field(description="What the role is for.")
    created_at: datetime = strawberry.field(description="When it was created.")

    @classmethod
    def from_model(cls, m: models.Role) -> RoleNode:
        return cls(id=str(m.id), name=m.name, description=m.description, created_at=m.created_at)

    @strawberry.field(description="The scopes the role grants.")
    async def permissions(self, info: Info) -> list[str]:
        return await queries.role_permissions(info.context, uuid.UUID(self.id))

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[RoleNode | None]:
        ids = _uuids(node_ids)
        found = await asyncio.gather(*(queries.role(info.context, i) if i else _none() for i in ids))
        return [cls.from_model(r) if r else None for r in found]


@strawberry.input(description="A new API token.")
class ApiTokenCreateInput:
    name: str = strawberry.field(description="A label for people.")
    kind: TokenKind = strawberry.field(description="storefront, admin or partner.")
    scopes: list[str] = strawberry.field(default_factory=list, description="Scopes to grant.")
    role_id: strawberry.ID | None = strawberry.field(
        default=None, description="A role whose permissions to add."
    )
    expires_at: datetime | None = strawberry.field(default=None, description="Expiry; never when null.")


@strawberry.type(description="The result of apiTokenCreate.")
class ApiTokenCreatePayload:
    api_token: ApiTokenNode | None = strawberry.field(description="The token, without its secret.")
    token: str | None = strawberry.field(description="The secret. Shown once: store it now.")
    errors: list[AccessError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="The result of apiTokenRevoke.")
class ApiTokenRevokePayload:
    api_token: ApiTokenNode | None = strawberry.field(description="The revoked token.")
    errors: list[AccessError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.input(description="A new role.")
class RoleCreateInput:
    name: str = strawberry.field(description="Unique in the store.")
    description: str = strawberry.field(default="", description="What the role is for.")
    permissions: list[str] = strawberry.field(default_factory=list, description="Scopes the role grants.")


@strawberry.type(description="The result of a role mutation.")
class RolePayload:
    role: RoleNode | None = strawberry.field(description="The role.")
    errors: list[AccessError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="The result of roleDelete.")
class RoleDeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="The id of the deleted role.")
    errors: list[AccessError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type
class AccessQuery:
    @strawberry.field(
        description="API tokens of this store, oldest first.", extensions=requires("tokens:manage")
    )
    async def api_tokens(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[ApiTokenNode]:
        page = await queries.list_tokens(info.context, first=first, after=after)
        return connection(page, ApiTokenNode.from_model)

    @strawberry.field(description="Roles of this store, oldest first.", extensions=requires("tokens:manage"))
    async def roles(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[RoleNode]:
        page = await queries.list_roles(info.context, first=first, after=after)
        return connection(page, RoleNode.from_model)

    @strawberry.field(description="Every permission a token or role can hold.", extensions=requires())
    async def permissions(self, info: Info) -> list[Permission]:
        return [
            Permission(code=p.code, description=p.description)
            for p in await queries.list_permissions(info.context)
        ]


@strawberry.type
class AccessMutation:
    @strawberry.mutation(description="Create an API token.", extensions=requires("tokens:manage"))
    async def api_token_create(self, info: Info, input: ApiTokenCreateInput) -> ApiTokenCreatePayload:
        out = await api_token_create(
            info.context,
            name=input.name,
            kind=input.kind.value,
            scopes=input.scopes,
            role_id=str(input.role_id) if input.role_id else None,
            expires_at=input.expires_at,
        )
        created = out.result
        return ApiTokenCreatePayload(
            api_token=ApiTokenNode.from_model(created.token) if created else None,
            token=created.secret if created else None,
            errors=convert(out.errors, AccessErrorCode, AccessError),
        )

    @strawberry.mutation(description="Revoke an API token at once.", extensions=requires("tokens:manage"))
    async def api_token_revoke(self, info: Info, id: strawberry.ID) -> ApiTokenRevokePayload:
        out = await api_token_revoke(info.context, id=str(id))
        return ApiTokenRevokePayload(
            api_token=ApiTokenNode.from_model(out.result) if out.result else None,
            errors=convert(out.errors, AccessErrorCode, AccessError),
        )

    @strawberry.mutation(description="Create a role.", extensions=requires("tokens:manage"))
    async def role_create(self, info: Info, input: RoleCreateInput) -> RolePayload:
        out = await role_create(
            info.context, name=input.name, description=input.description, permissions=input.permissions
        )
        return RolePayload(
            role=RoleNode.from_model(out.result) if out.result else None,
            errors=convert(out.errors, AccessErrorCode, AccessError),
        )

    @strawberry.mutation(description="Replace a role's permissions.", extensions=requires("tokens:manage"))
    async def role_update(
        self,
        info: Info,
        id: strawberry.ID,
        permissions: list[str],
    ) -> RolePayload:
        out = await role_update(info.context, id=str(id), permissions=permissions)
        return RolePayload(
            role=RoleNode.from_model(out.result) if out.result else None,
            errors=convert(out.errors, AccessErrorCode, AccessError),
        )

    @strawberry.mutation(
        description="Delete a role; tokens holding it lose its permissions.",
        extensions=requires("tokens:manage"),
    )
    async def role_delete(self, info: Info, id: strawberry.ID) -> RoleDeletePayload:
        out = await role_delete(info.context, id=str(id))
        return RoleDeletePayload(
            deleted_id=id if out.result else None,
            errors=convert(out.errors, AccessErrorCode, AccessError),
        )
