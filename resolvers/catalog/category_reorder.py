from __future__ import annotations

from domain.catalog.categories import reorder_categories
from domain.catalog.models import Category
from resolvers.catalog.category_ids import parent_category_id
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def category_reorder(ctx: Context, *, parent_id: str | None, ids: list[str]) -> list[Category]:
    parent = parent_category_id(parent_id)
    ordered = [require_id(raw, "Category", field=f"ids.{i}") for i, raw in enumerate(ids)]
    async with ctx.uow() as uow:
        categories = await reorder_categories(uow, parent, ordered)
        await uow.commit()
    return categories
