from __future__ import annotations

from typing import Any

from domain.catalog.categories import update_category
from domain.catalog.models import Category
from domain.catalog.taxonomy_inputs import CategoryChanges
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def category_update(ctx: Context, *, id: str, changes: dict[str, Any]) -> Category:
    category_id = require_id(id, "Category", field="id")
    data = CategoryChanges.model_validate(changes)
    async with ctx.uow() as uow:
        category = await update_category(uow, category_id, data)
        await uow.commit()
    return category
