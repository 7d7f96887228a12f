from __future__ import annotations

from typing import Any

from domain.catalog.inputs import VariantCreateInput
from domain.catalog.models import ProductVariant
from domain.catalog.variants import create_variant
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def variant_create(ctx: Context, *, product_id: str, values: dict[str, Any]) -> ProductVariant:
    pid = require_id(product_id, "Product", field="productId")
    data = VariantCreateInput.model_validate(values)
    async with ctx.uow() as uow:
        variant = await create_variant(uow, pid, data)
        await uow.commit()
    return variant
