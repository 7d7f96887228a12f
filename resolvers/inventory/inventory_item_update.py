from __future__ import annotations

from domain.inventory.items import update_item
from domain.inventory.models import InventoryItem, InventoryPolicy
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id


@translate
async def inventory_item_update(
    ctx: Context, *, variant_id: str, policy: InventoryPolicy, low_stock_threshold: int | None
) -> InventoryItem:
    vid = require_id(variant_id, "ProductVariant", field="variantId")
    async with ctx.uow() as uow:
        item = await update_item(uow, vid, policy=policy, low_stock_threshold=low_stock_threshold)
        await uow.commit()
    return item
