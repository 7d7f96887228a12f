from __future__ import annotations

from domain.catalog.categories import create_category
from domain.catalog.models import Category
from domain.catalog.taxonomy_inputs import CategoryInput
from resolvers.catalog.category_ids import parent_category_id
from resolvers.context import Context
from resolvers.errors import translate


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
    parent = parent_category_id(parent_id)
    data = CategoryInput(name=name, slug=slug, description=description, parent_id=parent, position=position)
    async with ctx.uow() as uow:
        category = await create_category(uow, data)
        await uow.commit()
    return category
