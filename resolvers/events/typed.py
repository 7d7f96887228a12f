"""Typed streams over the event stream: product changes, stock changes of chosen variants, one order."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

from domain.errors import CommonErrorCode, DomainError
from domain.events.envelope import EventEnvelope
from resolvers.context import Context
from resolvers.events.stream import stream_events
from resolvers.ids import decode_global_id

# What changes a product as a partner sees it (each event's data names the products in `product_ids`).
PRODUCT_TYPES = ["product.*", "variant.*", "price.updated", "product_media.changed"]
# The catalog's stock levels today; the inventory domain's events (`inventory.*`) will name the variant too.
INVENTORY_TYPES = ["stock.updated", "inventory.*"]
ORDER_TYPES = ["order.*"]
MAX_IDS = 100


def _uuid(raw: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def product_ids(event: EventEnvelope) -> list[uuid.UUID]:
    raw = list(event.data.get("product_ids") or [])
    if event.type.startswith("product.") and event.data.get("id"):
        raw.append(event.data["id"])
    seen = dict.fromkeys(u for u in (_uuid(r) for r in raw) if u is not None)
    return list(seen)


def variant_id(event: EventEnvelope) -> uuid.UUID | None:
    return _uuid(event.data.get("variant_id") or event.data.get("id"))


def order_id(event: EventEnvelope) -> uuid.UUID | None:
    return _uuid(event.data.get("order_id") or event.data.get("id"))


def _decode_all(ids: list[str], type_name: str, field: str) -> set[uuid.UUID]:
    if not ids or len(ids) > MAX_IDS:
        raise DomainError(CommonErrorCode.INVALID, f"give 1 to {MAX_IDS} ids", field=field)
    out = set()
    for raw in ids:
        value = decode_global_id(raw, type_name)
        if value is None:
            raise DomainError(CommonErrorCode.NOT_FOUND, f"no {type_name} with this id", field=field)
        out.add(value)
    return out


async def product_updates(
    ctx: Context, *, after: str | None
) -> AsyncIterator[tuple[EventEnvelope, list[uuid.UUID]]]:
    async for event in stream_events(ctx, types=PRODUCT_TYPES, after=after):
        ids = product_ids(event)
        if ids:
            yield event, ids


async def inventory_changes(
    ctx: Context, *, variant_ids: list[str] | None, after: str | None
) -> AsyncIterator[tuple[EventEnvelope, uuid.UUID]]:
    wanted = _decode_all(variant_ids, "ProductVariant", "variantIds") if variant_ids is not None else None
    async for event in stream_events(ctx, types=INVENTORY_TYPES, after=after):
        variant = variant_id(event)
        if variant is not None and (wanted is None or variant in wanted):
            yield event, variant


async def order_updates(ctx: Context, *, id: str, after: str | None) -> AsyncIterator[EventEnvelope]:
    (wanted,) = _decode_all([id], "Order", "id")
    async for event in stream_events(ctx, types=ORDER_TYPES, after=after):
        if order_id(event) == wanted:
            yield event
