from __future__ import annotations

from domain.catalog.categories import move_category
from domain.catalog.errors import CatalogErrorCode
from domain.catalog.models import Category
from domain.catalog.taxonomy_inputs import CategoryMove
from domain.errors import DomainError
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import decode_global_id, require_id


@translate
async def category_move(
    ctx: Context, *, id: str, parent_given: bool, parent_id: str | None, position: int | None
) -> Category:
    """`parent_given` with `parent_id` None moves the category to the root; not given keeps its parent."""
    category_id = require_id(id, "Category", field="id")
    data = CategoryMove(position=position)
    if parent_given:
        parent = decode_global_id(parent_id, "Category") if parent_id is not None else None
        if parent_id is not None and parent is None:
            raise DomainError(CatalogErrorCode.INVALID_PARENT, "no category with this id", field="parentId")
        data = CategoryMove(parent_id=parent, position=position)
    async with ctx.uow() as uow:
        category = await move_category(uow, category_id, data)
        await uow.commit()
    return category
