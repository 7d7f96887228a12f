from __future__ import annotations

import uuid

from domain.customers.services import delete_group
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def customer_group_delete(ctx: Context, *, id: str) -> uuid.UUID:
    group_id = require_id(id, "CustomerGroup", field="id")
    async with ctx.uow() as uow:
        deleted = await delete_group(uow, group_id)
        await uow.commit()
    return deleted
