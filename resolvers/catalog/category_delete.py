from __future__ import annotations

import uuid

from domain.catalog.categories import delete_category
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def category_delete(ctx: Context, *, id: str) -> uuid.UUID:
    category_id = require_id(id, "Category", field="id")
    async with ctx.uow() as uow:
        await delete_category(uow, category_id)
        await uow.commit()
    return category_id
