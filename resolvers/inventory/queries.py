"""Admin reads of inventory (`inventory:read`): stock levels of variants and a variant's ledger."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime

from domain.errors import DomainError
from domain.inventory import reads
from domain.inventory.errors import InventoryErrorCode
from domain.inventory.models import Adjustment
from resolvers.context import Context
from resolvers.ids import decode_global_id, require_id

MAX_VARIANTS = 250
MAX_LEDGER_PAGE = 200


async def inventory_levels(ctx: Context, variant_ids: list[str]) -> list[reads.StockView]:
    if not variant_ids or len(variant_ids) > MAX_VARIANTS:
        raise DomainError(
            InventoryErrorCode.INVALID, f"give 1 to {MAX_VARIANTS} variant ids", field="variantIds"
        )
    # An id that is not a ProductVariant's names nothing here, like one of another store.
    ids = [v for v in (decode_global_id(raw, "ProductVariant") for raw in variant_ids) if v is not None]
    async with ctx.read_uow() as uow:
        return await reads.stock(uow, ids)


def ledger_cursor(row: Adjustment) -> str:
    return base64.urlsafe_b64encode(f"{row.created_at.isoformat()}|{row.id}".encode()).decode()


def _after(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        at, _, raw = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        return datetime.fromisoformat(at), uuid.UUID(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise DomainError(InventoryErrorCode.INVALID, "not a cursor of this list", field="after") from None


async def inventory_ledger(
    ctx: Context, variant_id: str, first: int, after: str | None
) -> tuple[list[Adjustment], bool]:
    """A page of the ledger, newest first, and whether older rows follow."""
    vid = require_id(variant_id, "ProductVariant", field="variantId")
    if not 1 <= first <= MAX_LEDGER_PAGE:
        raise DomainError(InventoryErrorCode.INVALID, f"first is 1 to {MAX_LEDGER_PAGE}", field="first")
    before = _after(after) if after else None
    async with ctx.read_uow() as uow:
        rows = await reads.ledger(uow, vid, first=first + 1, before=before)
    return rows[:first], len(rows) > first
