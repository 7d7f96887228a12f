from __future__ import annotations

from typing import Any

from domain.catalog.attributes import update_attribute
from domain.catalog.inputs import AttributeFields
from domain.catalog.models import Attribute
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def attribute_update(ctx: Context, *, id: str, changes: dict[str, Any]) -> Attribute:
    attribute_id = require_id(id, "Attribute", field="id")
    data = AttributeFields.model_validate(changes)
    async with ctx.uow() as uow:
        attribute = await update_attribute(uow, attribute_id, data)
        await uow.commit()
    return attribute
