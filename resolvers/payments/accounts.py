"""A store's payment provider accounts (`settings:manage`): set one, list them."""

from __future__ import annotations

from domain.payments.accounts import list_accounts, set_payment_account
from domain.payments.models import PaymentAccount, Provider
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def payment_account_set(
    ctx: Context, *, provider: Provider, config: dict[str, str], enabled: bool
) -> PaymentAccount:
    async with ctx.uow() as uow:
        account = await set_payment_account(uow, provider, config, enabled=enabled)
        await uow.commit()
    return account


async def payment_accounts(ctx: Context) -> list[PaymentAccount]:
    async with ctx.read_uow() as uow:
        return await list_accounts(uow)
