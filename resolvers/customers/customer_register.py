from __future__ import annotations

from typing import Any

from domain.customers.accounts import RegisterInput, register
from resolvers.context import Context
from resolvers.customers.signed_in import Session, with_cart
from resolvers.errors import translate


@translate
async def customer_register(ctx: Context, *, fields: dict[str, Any], cart_token: str | None) -> Session:
    data = RegisterInput.model_validate(fields)
    async with ctx.uow() as uow:
        signed = await register(uow, data)
        session = await with_cart(ctx, uow, signed, cart_token)
        await uow.commit()
    return session
