from __future__ import annotations

from typing import Any

from domain.customers.models import CustomerGroup
from domain.customers.services import update_group
from domain.pricing.inputs import CustomerGroupInput
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def customer_group_update(ctx: Context, *, id: str, values: dict[str, Any]) -> CustomerGroup:
    group_id = require_id(id, "CustomerGroup", field="id")
    data = CustomerGroupInput.model_validate(values)
    async with ctx.uow() as uow:
        row = await update_group(uow, group_id, data)
        await uow.commit()
    return row
