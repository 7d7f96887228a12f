from __future__ import annotations

from domain.errors import DomainError
from domain.inventory.errors import InventoryErrorCode
from domain.inventory.ledger import adjust
from domain.inventory.models import AdjustmentReason
from resolvers.context import Context
from resolvers.errors import translate
from resolvers.ids import require_id

# Sales and cancellations move stock through orders, never by hand.
MANUAL_REASONS = {
    AdjustmentReason.RECEIVED,
    AdjustmentReason.RETURNED,
    AdjustmentReason.DAMAGED,
    AdjustmentReason.CORRECTION,
}


@translate
async def inventory_adjust(
    ctx: Context, *, variant_id: str, delta: int, reason: AdjustmentReason, location: str, note: str
) -> int:
    vid = require_id(variant_id, "ProductVariant", field="variantId")
    if reason not in MANUAL_REASONS:
        raise DomainError(
            InventoryErrorCode.INVALID, "sales and releases move stock through orders", field="reason"
        )
    if not location.strip() or len(location) > 100 or len(note) > 500 or "\x00" in location + note:
        raise DomainError(
            InventoryErrorCode.INVALID, "location 1-100 and note up to 500 characters", field="location"
        )
    async with ctx.uow() as uow:
        on_hand = await adjust(
            uow, vid, delta, reason=reason, actor=ctx.principal.actor, location=location.strip(), note=note
        )
        await uow.commit()
    return on_hand
