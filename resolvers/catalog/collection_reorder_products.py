from __future__ import annotations

from domain.catalog.collections import reorder_collection_products
from domain.catalog.models import Collection
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def collection_reorder_products(ctx: Context, *, id: str, moves: list[tuple[str, int]]) -> Collection:
    collection_id = require_id(id, "Collection", field="id")
    decoded = [
        (require_id(raw, "Product", field=f"moves.{i}.productId"), position)
        for i, (raw, position) in enumerate(moves)
    ]
    async with ctx.uow() as uow:
        collection = await reorder_collection_products(uow, collection_id, decoded)
        await uow.commit()
    return collection
