from __future__ import annotations

from typing import Any

from domain.catalog.collections import create_collection
from domain.catalog.models import Collection
from domain.catalog.taxonomy_inputs import CollectionInput
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def collection_create(ctx: Context, *, fields: dict[str, Any]) -> Collection:
    data = CollectionInput.model_validate(fields)
    async with ctx.uow() as uow:
        collection = await create_collection(uow, data)
        await uow.commit()
    return collection
