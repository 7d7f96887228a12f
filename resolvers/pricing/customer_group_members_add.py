from __future__ import annotations

import uuid

from domain.customers.models import CustomerGroup
from domain.customers.services import assign_members
from domain.pricing.support import require
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id
from resolvers.pricing.refs import ids


@translate
async def customer_group_members_add(
    ctx: Context, *, group_id: str, customer_ids: list[str]
) -> tuple[CustomerGroup, list[uuid.UUID]]:
    gid = require_id(group_id, "CustomerGroup", field="groupId")
    customers = ids(customer_ids, "Customer", field="customerIds")
    async with ctx.uow() as uow:
        members = await assign_members(uow, gid, customers)
        group = await require(uow, CustomerGroup, gid, field="groupId")
        await uow.commit()
    return group, members
