"""Money-moving admin mutations under the idempotency contract (domain/idempotency): claim the key in its
own committed transaction, run, record the result's id on the key; a replay answers the same object."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from domain.errors import DomainError
from domain.idempotency import services as keys
from domain.idempotency.errors import HTTP_STATUS
from domain.payments.errors import PaymentErrorCode
from domain.payments.providers import Providers
from resolvers.context import Context


def providers_of(ctx: Context) -> Providers:
    if ctx.payments is None:
        raise RuntimeError("the request context has no payment providers")
    return ctx.payments


async def run_once(
    ctx: Context,
    key: str | None,
    operation: str,
    payload: dict[str, Any],
    run: Callable[[str], Awaitable[uuid.UUID]],
) -> uuid.UUID:
    """The id `run(key)` produced, the first time or on a replay of the same key and payload."""
    key = key or ctx.idempotency_key
    if not key:
        raise DomainError(
            PaymentErrorCode.REQUIRED,
            "an Idempotency-Key header or idempotencyKey argument is required",
            field="idempotencyKey",
        )
    scope = f"token:{ctx.principal.token_id}"
    try:
        async with ctx.uow() as uow:
            got = await keys.claim(uow, scope=scope, key=key, operation=operation, payload=payload)
            await uow.commit()
    except DomainError as exc:
        ctx.http_status = {c.value: status for c, status in HTTP_STATUS.items()}.get(
            str(exc.code), ctx.http_status
        )
        raise
    if isinstance(got, keys.Replay):
        return uuid.UUID(str(got.response["id"]))
    try:
        result = await run(got.key)
    except DomainError:
        async with ctx.uow() as uow:
            await keys.release(uow, got)
            await uow.commit()
        raise
    async with ctx.uow() as uow:
        await keys.complete(uow, got, {"id": str(result)})
        await uow.commit()
    return result
