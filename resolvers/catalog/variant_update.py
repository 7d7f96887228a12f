from __future__ import annotations

from typing import Any

from domain.catalog.inputs import VariantFields
from domain.catalog.models import ProductVariant
from domain.catalog.variants import update_variant
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def variant_update(ctx: Context, *, id: str, changes: dict[str, Any]) -> ProductVariant:
    variant_id = require_id(id, "ProductVariant", field="id")
    data = VariantFields.model_validate(changes)
    async with ctx.uow() as uow:
        variant = await update_variant(uow, variant_id, data)
        await uow.commit()
    return variant
