from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.fulfillment.courier_accounts import set_courier_account
from domain.fulfillment.inputs import CourierAccountInput
from domain.fulfillment.models import CourierAccount
from resolvers.context import Context
from resolvers.errors import translate


@dataclass(frozen=True)
class AccountWithSecret:
    account: CourierAccount
    webhook_secret: str | None  # only when generated


@translate
async def courier_account_set(ctx: Context, *, values: dict[str, Any]) -> AccountWithSecret:
    data = CourierAccountInput.model_validate(values)
    async with ctx.uow() as uow:
        account, secret = await set_courier_account(uow, data)
        await uow.commit()
    return AccountWithSecret(account, secret)
