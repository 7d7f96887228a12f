from __future__ import annotations

from typing import Any

from domain.catalog.collections import update_collection
from domain.catalog.models import Collection
from domain.catalog.taxonomy_inputs import CollectionChanges
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def collection_update(ctx: Context, *, id: str, changes: dict[str, Any]) -> Collection:
    collection_id = require_id(id, "Collection", field="id")
    data = CollectionChanges.model_validate(changes)
    async with ctx.uow() as uow:
        collection = await update_collection(uow, collection_id, data)
        await uow.commit()
    return collection
