"""Admin inventory mutations: adjust stock through the ledger, and set a variant's stock policy and
low-stock threshold. They need `inventory:write`."""

from __future__ import annotations

import strawberry

from domain.inventory.errors import InventoryErrorCode
from domain.inventory.models import AdjustmentReason, InventoryPolicy
from resolvers.context import Context
from resolvers.ids import encode_global_id
from resolvers.inventory.inventory_adjust import inventory_adjust
from resolvers.inventory.inventory_item_update import inventory_item_update
from schema.errors import InventoryError, convert
from schema.permissions import requires

Info = strawberry.Info[Context, None]
WRITE = "inventory:write"

strawberry.enum(
    AdjustmentReason,
    name="InventoryAdjustmentReason",
    description="Why on-hand changed (SOLD and RESERVATION_RELEASED come from orders only).",
)
strawberry.enum(
    InventoryPolicy,
    name="InventoryPolicy",
    description="When no units are free: DENY refuses, BACKORDER and PREORDER sell anyway.",
)


@strawberry.type(description="The result of inventoryAdjust.")
class InventoryAdjustPayload:
    on_hand: int | None = strawberry.field(description="On-hand at the location after the change.")
    errors: list[InventoryError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="A variant's inventory settings.")
class InventoryItemSettings:
    variant_id: strawberry.ID = strawberry.field(description="The ProductVariant.")
    policy: InventoryPolicy = strawberry.field(description="What happens when it runs out.")
    low_stock_threshold: int | None = strawberry.field(
        description="`inventory.low_stock` is emitted when on-hand falls to this; null: never."
    )


@strawberry.type(description="The result of inventoryItemUpdate.")
class InventoryItemPayload:
    item: InventoryItemSettings | None = strawberry.field(description="The settings after the change.")
    errors: list[InventoryError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type
class InventoryMutation:
    @strawberry.mutation(
        description="Change on-hand at a location by `delta` (negative takes away), recorded in the ledger.",
        extensions=requires(WRITE),
    )
    async def inventory_adjust(
        self,
        info: Info,
        variant_id: strawberry.ID,
        delta: int,
        reason: AdjustmentReason,
        location: str = "default",
        note: str = "",
    ) -> InventoryAdjustPayload:
        out = await inventory_adjust(
            info.context, variant_id=str(variant_id), delta=delta, reason=reason, location=location, note=note
        )
        return InventoryAdjustPayload(
            on_hand=out.result, errors=convert(out.errors, InventoryErrorCode, InventoryError)
        )

    @strawberry.mutation(
        description="Set a variant's stock policy and low-stock threshold.", extensions=requires(WRITE)
    )
    async def inventory_item_update(
        self,
        info: Info,
        variant_id: strawberry.ID,
        policy: InventoryPolicy,
        low_stock_threshold: int | None = None,
    ) -> InventoryItemPayload:
        out = await inventory_item_update(
            info.context, variant_id=str(variant_id), policy=policy, low_stock_threshold=low_stock_threshold
        )
        item = out.result
        return InventoryItemPayload(
            item=InventoryItemSettings(
                variant_id=strawberry.ID(encode_global_id("ProductVariant", item.variant_id)),
                policy=item.policy,
                low_stock_threshold=item.low_stock_threshold,
            )
            if item
            else None,
            errors=convert(out.errors, InventoryErrorCode, InventoryError),
        )
