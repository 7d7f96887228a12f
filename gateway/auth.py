"""Resolving the bearer token of a request into a Principal."""

from __future__ import annotations

from domain.access.models import TokenKind
from domain.access.principal import Principal, resolve_token
from domain.db import Database
from gateway.cache.principals import PrincipalCache


def bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


async def authenticate(
    db: Database, header: str | None, cache: PrincipalCache | None = None
) -> Principal | None:
    token = bearer(header)
    if token is None or len(token) > 200:
        return None
    if cache is not None and (cached := cache.get(token)) is not None:
        return cached
    read_at = cache.version if cache is not None else 0
    async with db.primary.connect() as conn:
        principal = await resolve_token(conn, token)
        await conn.commit()
    # Only storefront principals are kept: their answers are the cached ones, where the token look-up would
    # dominate. An admin's or partner's revocation or role change applies on its very next request.
    if cache is not None and principal is not None and principal.kind is TokenKind.STOREFRONT:
        cache.put(token, principal, principal.expires_at, read_at=read_at)
    return principal
