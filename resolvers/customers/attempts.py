"""The throttle in front of customer login and password reset requests (the counters are the gateway's:
gateway/attempts.py). It runs before the domain call, so a refused attempt hashes no password."""

from __future__ import annotations

from domain.customers.accounts import login_identity
from domain.customers.errors import CustomerErrorCode
from domain.errors import DomainError
from resolvers.context import Context


async def take_attempt(ctx: Context, action: str, identifier: str) -> str:
    """Count an attempt at `identifier`; returns its identity. Raises TOO_MANY_ATTEMPTS over the limit."""
    identity = login_identity(identifier)
    guard = ctx.attempts
    if guard is not None and not await guard.take(action, ctx.principal.store_id, identity, ctx.client_ip):
        raise DomainError(
            CustomerErrorCode.TOO_MANY_ATTEMPTS,
            "too many attempts for this account or from this network: wait a few minutes and try again",
            field="identifier",
        )
    return identity


async def attempt_succeeded(ctx: Context, action: str, identity: str) -> None:
    if ctx.attempts is not None:
        await ctx.attempts.succeeded(action, ctx.principal.store_id, identity, ctx.client_ip)
