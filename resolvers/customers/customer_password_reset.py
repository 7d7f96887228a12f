from __future__ import annotations

from domain.customers.accounts import request_reset, reset_password
from resolvers.context import PASSWORD_RESET_REQUESTS, Context
from resolvers.customers.attempts import take_attempt
from resolvers.customers.signed_in import Session
from resolvers.errors import translate


@translate
async def customer_password_reset_request(ctx: Context, *, identifier: str) -> bool:
    """Always true, known account or not: the answer must not tell who has an account. Counted per
    identity and address whether the account exists or not, so the limit reveals nothing either."""
    await take_attempt(ctx, PASSWORD_RESET_REQUESTS, identifier)
    async with ctx.uow() as uow:
        await request_reset(uow, identifier, secret=ctx.customer_secret)
        await uow.commit()
    return True


@translate
async def customer_password_reset(ctx: Context, *, token: str, password: str) -> Session:
    async with ctx.uow() as uow:
        signed = await reset_password(uow, token, password, secret=ctx.customer_secret)
        await uow.commit()
    return Session(signed.customer, signed.token, None)
