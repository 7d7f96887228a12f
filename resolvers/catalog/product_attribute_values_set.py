from __future__ import annotations

from typing import Any

from domain.catalog.attributes import set_attribute_values
from domain.catalog.inputs import AttributeValueInput
from domain.catalog.models import Attribute, Product, ProductAttributeValue
from domain.catalog.writes import require
from resolvers.catalog.refs import decode_list, validate_list
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def product_attribute_values_set(
    ctx: Context, *, product_id: str, values: list[dict[str, Any]]
) -> tuple[Product, list[tuple[Attribute, ProductAttributeValue]]]:
    pid = require_id(product_id, "Product", field="productId")
    data = validate_list(AttributeValueInput, decode_list(values, field="values"), field="values")
    async with ctx.uow() as uow:
        rows = await set_attribute_values(uow, pid, data)
        product = await require(uow, Product, pid, field="productId")
        await uow.commit()
    return product, rows
