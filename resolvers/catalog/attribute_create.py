from __future__ import annotations

from typing import Any

from domain.catalog.attributes import create_attribute
from domain.catalog.inputs import AttributeCreateInput
from domain.catalog.models import Attribute
from resolvers.context import Context
from resolvers.errors import translate


@translate
async def attribute_create(ctx: Context, *, values: dict[str, Any]) -> Attribute:
    data = AttributeCreateInput.model_validate(values)
    async with ctx.uow() as uow:
        attribute = await create_attribute(uow, data)
        await uow.commit()
    return attribute
