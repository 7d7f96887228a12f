"""Admin inventory: read stock levels and the ledger (`inventory:read`); adjust stock through the ledger,
and set a variant's stock policy and low-stock threshold (`inventory:write`)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.inventory.errors import InventoryErrorCode
from domain.inventory.models import AdjustmentReason, InventoryPolicy
from resolvers.context import Context
from resolvers.ids import encode_global_id
from resolvers.inventory.inventory_adjust import inventory_adjust
from resolvers.inventory.inventory_item_update import inventory_item_update
from resolvers.inventory.queries import inventory_ledger, inventory_levels, ledger_cursor
from schema.errors import InventoryError, convert
from schema.permissions import requires

Info = strawberry.Info[Context, None]
READ = "inventory:read"
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


@strawberry.type(description="On-hand at one location.")
class InventoryLocationLevel:
    location: str = strawberry.field(description="The location's code.")
    on_hand: int = strawberry.field(description="Units there.")


@strawberry.type(description="A variant's stock now.")
class InventoryLevel:
    variant_id: strawberry.ID = strawberry.field(description="The ProductVariant.")
    tracked: bool = strawberry.field(description="False: the variant sells without counting stock.")
    policy: InventoryPolicy = strawberry.field(description="What happens when it runs out.")
    low_stock_threshold: int | None = strawberry.field(description="Where `inventory.low_stock` fires.")
    on_hand: int = strawberry.field(description="Units on hand over all locations (the ledger's sum).")
    reserved: int = strawberry.field(description="Units held by checkouts whose reservation has not expired.")
    available: int = strawberry.field(description="on-hand minus reserved: what can still be sold.")
    locations: list[InventoryLocationLevel] = strawberry.field(
        description="On-hand per active location, the one shipped from first leading."
    )


@strawberry.type(description="One change of on-hand, as the ledger recorded it.")
class InventoryLedgerEntry:
    created_at: datetime = strawberry.field(description="When.")
    location: str = strawberry.field(description="Where.")
    delta: int = strawberry.field(description="Units added (negative: taken away).")
    reason: AdjustmentReason = strawberry.field(description="Why.")
    balance_after: int = strawberry.field(description="On-hand at the location right after.")
    reference_type: str | None = strawberry.field(description="What caused it: order, return, …")
    reference_id: strawberry.ID | None = strawberry.field(description="Its id.")
    note: str = strawberry.field(description="The note given.")
    actor: str = strawberry.field(description="Who: token:<prefix>, customer:<id>, system, …")


@strawberry.type(description="A page of a variant's ledger, newest first.")
class InventoryLedgerPage:
    entries: list[InventoryLedgerEntry] = strawberry.field(description="The rows.")
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the older rows.")
    has_next_page: bool = strawberry.field(description="Whether older rows follow.")


@strawberry.type
class InventoryQuery:
    @strawberry.field(
        description="Stock of up to 250 variants; ids that name no variant of this store are left out.",
        extensions=requires(READ),
    )
    async def inventory_levels(self, info: Info, variant_ids: list[strawberry.ID]) -> list[InventoryLevel]:
        views = await inventory_levels(info.context, [str(v) for v in variant_ids])
        return [
            InventoryLevel(
                variant_id=strawberry.ID(encode_global_id("ProductVariant", v.variant_id)),
                tracked=v.tracked,
                policy=v.policy,
                low_stock_threshold=v.low_stock_threshold,
                on_hand=v.on_hand,
                reserved=v.reserved,
                available=v.available,
                locations=[InventoryLocationLevel(location=loc, on_hand=n) for loc, n in v.locations],
            )
            for v in views
        ]

    @strawberry.field(
        description="A variant's stock ledger, newest first (`first` up to 200).", extensions=requires(READ)
    )
    async def inventory_ledger(
        self, info: Info, variant_id: strawberry.ID, first: int = 50, after: str | None = None
    ) -> InventoryLedgerPage:
        rows, more = await inventory_ledger(info.context, str(variant_id), first, after)
        return InventoryLedgerPage(
            entries=[
                InventoryLedgerEntry(
                    created_at=r.created_at,
                    location=r.location,
                    delta=r.delta,
                    reason=r.reason,
                    balance_after=r.balance_after,
                    reference_type=r.reference_type,
                    reference_id=strawberry.ID(str(r.reference_id)) if r.reference_id else None,
                    note=r.note,
                    actor=r.actor,
                )
                for r in rows
            ],
            end_cursor=ledger_cursor(rows[-1]) if rows else None,
            has_next_page=more,
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
