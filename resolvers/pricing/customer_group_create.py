from __future__ import annotations

from typing import Any

from domain.customers.models import CustomerGroup
from domain.customers.services import create_group
from domain.pricing.inputs import CustomerGroupInput
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def customer_group_create(ctx: Context, *, values: dict[str, Any]) -> CustomerGroup:
    data = CustomerGroupInput.model_validate(values)
    async with ctx.uow() as uow:
        row = await create_group(uow, data)
        await uow.commit()
    return row
