from __future__ import annotations

from domain.customers.accounts import login
from resolvers.context import LOGIN_ATTEMPTS, Context
from resolvers.customers.attempts import attempt_succeeded, take_attempt
from resolvers.customers.signed_in import Session, with_cart
from resolvers.errors import translate


@translate
async def customer_login(ctx: Context, *, identifier: str, password: str, cart_token: str | None) -> Session:
    # Counted before the password is hashed: over the limit, no argon2 work is done.
    identity = await take_attempt(ctx, LOGIN_ATTEMPTS, identifier)
    async with ctx.uow() as uow:
        signed = await login(uow, identifier, password)
        session = await with_cart(ctx, uow, signed, cart_token)
        await uow.commit()
    await attempt_succeeded(ctx, LOGIN_ATTEMPTS, identity)
    return session
