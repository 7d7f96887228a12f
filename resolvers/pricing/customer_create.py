from __future__ import annotations

from typing import Any

from domain.customers.models import Customer
from domain.customers.services import create_customer
from domain.pricing.inputs import CustomerInput
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def customer_create(ctx: Context, *, values: dict[str, Any]) -> Customer:
    data = CustomerInput.model_validate(values)
    async with ctx.uow() as uow:
        row = await create_customer(uow, data)
        await uow.commit()
    return row
