from __future__ import annotations

from domain.customers.errors import CustomerErrorCode
from domain.customers.sessions import close_session
from domain.errors import DomainError
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def customer_logout(ctx: Context) -> bool:
    """End the session of the request's X-Customer-Token."""
    ctx.cacheable = False
    if not ctx.customer_token:
        raise DomainError(
            CustomerErrorCode.SIGN_IN_REQUIRED, "no customer session on this request", field=None
        )
    async with ctx.uow() as uow:
        closed = await close_session(uow, ctx.customer_token)
        await uow.commit()
    if not closed:
        raise DomainError(CustomerErrorCode.INVALID_TOKEN, "the session has already ended", field=None)
    return True
