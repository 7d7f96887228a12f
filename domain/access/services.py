"""Creating and revoking API tokens and roles. Every change emits its domain event."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from domain.access.errors import AccessErrorCode
from domain.access.models import ApiToken, Permission, Role, RolePermission, TokenKind
from domain.access.principal import new_secret
from domain.access.queries import permissions_by_role
from domain.errors import DomainError
from domain.text import Text
from domain.uow import UnitOfWork

# A storefront token is public (it ships in browser bundles), so it can never carry an admin scope.
STOREFRONT_GRANTABLE: frozenset[str] = frozenset()


class TokenInput(BaseModel):
    name: Text = Field(min_length=1, max_length=100)
    kind: TokenKind
    scopes: list[str] = Field(default_factory=list, max_length=50)
    role_id: uuid.UUID | None = None
    expires_at: datetime | None = None

    @field_validator("name")
    @classmethod
    def _strip(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


class RoleInput(BaseModel):
    name: Text = Field(min_length=1, max_length=100)
    description: Text = Field(default="", max_length=500)
    permissions: list[str] = Field(default_factory=list, max_length=100)


async def _check_permissions(uow: UnitOfWork, codes: Sequence[str], field: str) -> list[str]:
    wanted = sorted(set(codes))
    if not wanted:
        return wanted
    # A code PostgreSQL cannot even compare (it holds U+0000) is simply unknown.
    comparable = [c for c in wanted if "\x00" not in c]
    known = set(
        (await uow.session.scalars(select(Permission.code).where(Permission.code.in_(comparable)))).all()
    )
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise DomainError(
            AccessErrorCode.UNKNOWN_PERMISSION, f"unknown permission(s): {', '.join(unknown)}", field=field
        )
    return wanted


def _check_grantable(codes: Sequence[str], grantor: frozenset[str] | None, field: str) -> None:
    """A caller can hand out only what it holds; `grantor` None is the platform itself (seed, CLI)."""
    if grantor is None:
        return
    beyond = sorted(set(codes) - grantor)
    if beyond:
        raise DomainError(
            AccessErrorCode.SCOPE_NOT_GRANTABLE,
            f"cannot grant permission(s) the caller does not hold: {', '.join(beyond)}",
            field=field,
        )


async def create_token(
    uow: UnitOfWork, data: TokenInput, *, created_by: str, grantor: frozenset[str] | None = None
) -> tuple[ApiToken, str]:
    """Create a token; the plaintext is returned once and never stored.

    With `grantor` (the calling token's scopes) the new token may hold only scopes the caller holds,
    directly or through its role.
    """
    scopes = await _check_permissions(uow, data.scopes, "scopes")
    _check_grantable(scopes, grantor, "scopes")
    if data.kind is TokenKind.STOREFRONT and (set(scopes) - STOREFRONT_GRANTABLE or data.role_id):
        raise DomainError(
            AccessErrorCode.SCOPE_NOT_GRANTABLE,
            "storefront tokens are public and carry no scopes",
            field="scopes",
        )
    if data.role_id is not None:
        if await uow.session.get(Role, data.role_id) is None:
            raise DomainError(AccessErrorCode.NOT_FOUND, "role not found", field="roleId")
        (role_codes,) = await permissions_by_role(uow.session, [data.role_id])
        _check_grantable(role_codes, grantor, "roleId")
    if data.expires_at is not None and data.expires_at <= uow.clock():
        raise DomainError(AccessErrorCode.INVALID, "expiry must be in the future", field="expiresAt")
    secret = new_secret(data.kind)
    token = ApiToken(
        id=uuid.uuid4(),
        name=data.name,
        kind=data.kind,
        prefix=secret.prefix,
        token_hash=secret.digest,
        scopes=scopes,
        role_id=data.role_id,
        expires_at=data.expires_at,
        created_by=created_by,
    )
    uow.session.add(token)
    await uow.session.flush()
    uow.emit("api_token.created", {"id": str(token.id), "kind": token.kind.value, "prefix": token.prefix})
    return token, secret.plaintext


async def revoke_token(uow: UnitOfWork, token_id: uuid.UUID) -> ApiToken:
    token = await uow.session.get(ApiToken, token_id, with_for_update=True)
    if token is None:
        raise DomainError(AccessErrorCode.NOT_FOUND, "token not found", field="id")
    if token.revoked_at is not None:
        raise DomainError(AccessErrorCode.ALREADY_REVOKED, "token is already revoked", field="id")
    token.revoked_at = uow.clock()
    uow.emit("api_token.revoked", {"id": str(token.id), "prefix": token.prefix})
    return token


async def create_role(uow: UnitOfWork, data: RoleInput, *, grantor: frozenset[str] | None = None) -> Role:
    permissions = await _check_permissions(uow, data.permissions, "permissions")
    _check_grantable(permissions, grantor, "permissions")
    role = Role(id=uuid.uuid4(), name=data.name.strip(), description=data.description)
    uow.session.add(role)
    try:
        async with uow.session.begin_nested():
            await uow.session.flush()
    except IntegrityError:
        raise DomainError(AccessErrorCode.UNIQUE, "a role with this name exists", field="name") from None
    uow.session.add_all(RolePermission(role_id=role.id, permission_code=code) for code in permissions)
    await uow.session.flush()
    uow.emit("role.created", {"id": str(role.id), "name": role.name, "permissions": permissions})
    return role


async def update_role_permissions(
    uow: UnitOfWork, role_id: uuid.UUID, permissions: Sequence[str], *, grantor: frozenset[str] | None = None
) -> Role:
    role = await uow.session.get(Role, role_id, with_for_update=True)
    if role is None:
        raise DomainError(AccessErrorCode.NOT_FOUND, "role not found", field="id")
    codes = await _check_permissions(uow, permissions, "permissions")
    _check_grantable(codes, grantor, "permissions")
    await uow.session.execute(delete(RolePermission).where(RolePermission.role_id == role_id))
    uow.session.add_all(RolePermission(role_id=role.id, permission_code=code) for code in codes)
    await uow.session.flush()
    uow.emit("role.updated", {"id": str(role.id), "permissions": codes})
    return role


async def delete_role(uow: UnitOfWork, role_id: uuid.UUID) -> None:
    role = await uow.session.get(Role, role_id)
    if role is None:
        raise DomainError(AccessErrorCode.NOT_FOUND, "role not found", field="id")
    await uow.session.delete(role)
    await uow.session.flush()
    uow.emit("role.deleted", {"id": str(role_id)})
