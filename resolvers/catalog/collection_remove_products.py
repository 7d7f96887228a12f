from __future__ import annotations

from domain.catalog.collections import remove_collection_products
from domain.catalog.models import Collection
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def collection_remove_products(ctx: Context, *, id: str, product_ids: list[str]) -> Collection:
    collection_id = require_id(id, "Collection", field="id")
    products = [require_id(raw, "Product", field=f"productIds.{i}") for i, raw in enumerate(product_ids)]
    async with ctx.uow() as uow:
        collection = await remove_collection_products(uow, collection_id, products)
        await uow.commit()
    return collection
