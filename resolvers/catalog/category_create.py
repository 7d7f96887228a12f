from __future__ import annotations

from domain.catalog.categories import create_category
from domain.catalog.models import Category
from domain.catalog.taxonomy_inputs import CategoryInput
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def category_create(
    ctx: Context,
    *,
    name: str,
    slug: str | None,
    description: str,
    parent_id: str | None,
    position: int | None,
) -> Category:
    parent = require_id(parent_id, "Category", field="parentId") if parent_id is not None else None
    data = CategoryInput(name=name, slug=slug, description=description, parent_id=parent, position=position)
    async with ctx.uow() as uow:
        category = await create_category(uow, data)
        await uow.commit()
    return category
