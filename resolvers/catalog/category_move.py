from __future__ import annotations

from domain.catalog.categories import move_category
from domain.catalog.models import Category
from domain.catalog.taxonomy_inputs import CategoryMove
from resolvers.catalog.category_ids import parent_category_id
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def category_move(
    ctx: Context, *, id: str, parent_given: bool, parent_id: str | None, position: int | None
) -> Category:
    """`parent_given` with `parent_id` None moves the category to the root; not given keeps its parent."""
    category_id = require_id(id, "Category", field="id")
    data = CategoryMove(position=position)
    if parent_given:
        data = CategoryMove(parent_id=parent_category_id(parent_id), position=position)
    async with ctx.uow() as uow:
        category = await move_category(uow, category_id, data)
        await uow.commit()
    return category
