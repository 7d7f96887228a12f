from __future__ import annotations

from typing import Any

from domain.catalog.inputs import BundleItemInput
from domain.catalog.models import BundleItem, Product, ProductVariant
from domain.catalog.products import set_bundle_items
from domain.catalog.variants import variants_by_id
from domain.catalog.writes import require
from resolvers.catalog.refs import decode_list, validate_list
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def product_bundle_items_set(
    ctx: Context, *, product_id: str, items: list[dict[str, Any]]
) -> tuple[Product, list[tuple[ProductVariant, BundleItem]]]:
    pid = require_id(product_id, "Product", field="productId")
    data = validate_list(BundleItemInput, decode_list(items, field="items"), field="items")
    async with ctx.uow() as uow:
        rows = await set_bundle_items(uow, pid, data)
        product = await require(uow, Product, pid, field="productId")
        variants = await variants_by_id(uow, [r.variant_id for r in rows])
        await uow.commit()
    return product, list(zip(variants, rows, strict=True))
