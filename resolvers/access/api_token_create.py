from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.access.models import ApiToken
from domain.access.services import TokenInput, create_token
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str


@translate
async def api_token_create(
    ctx: Context,
    *,
    name: str,
    kind: str,
    scopes: list[str],
    role_id: str | None,
    expires_at: datetime | None,
) -> CreatedToken:
    data = TokenInput.model_validate(
        {
            "name": name,
            "kind": kind,
            "scopes": scopes,
            "role_id": require_id(role_id, "Role", field="roleId") if role_id else None,
            "expires_at": expires_at,
        }
    )
    async with ctx.uow() as uow:
        token, secret = await create_token(
            uow, data, created_by=ctx.principal.actor, grantor=ctx.principal.scopes
        )
        await uow.commit()
    return CreatedToken(token, secret)
