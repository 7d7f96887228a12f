from __future__ import annotations

from typing import Any

from domain.catalog.inputs import OptionInput
from domain.catalog.models import Product, ProductOption
from domain.catalog.products import set_product_options
from domain.catalog.writes import require
from resolvers.catalog.refs import validate_list
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def product_options_set(
    ctx: Context, *, product_id: str, options: list[dict[str, Any]]
) -> tuple[Product, list[ProductOption]]:
    pid = require_id(product_id, "Product", field="productId")
    data = validate_list(OptionInput, options, field="options")
    async with ctx.uow() as uow:
        rows = await set_product_options(uow, pid, data)
        product = await require(uow, Product, pid, field="productId")
        await uow.commit()
    return product, rows
