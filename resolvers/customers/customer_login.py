from __future__ import annotations

from domain.customers.accounts import login
from resolvers.context import Context
from resolvers.customers.signed_in import Session, with_cart
from resolvers.errors import translate


@translate
async def customer_login(ctx: Context, *, identifier: str, password: str, cart_token: str | None) -> Session:
    async with ctx.uow() as uow:
        signed = await login(uow, identifier, password)
        session = await with_cart(ctx, uow, signed, cart_token)
        await uow.commit()
    return session
