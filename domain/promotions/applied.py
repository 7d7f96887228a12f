"""Recording applied discounts on an order: one row per promotion per order line, plus one per shipping
discount, in one statement. The orders issue calls this in the transaction that creates the order, with
the result it priced the order by and the id it gave each cart line's order line."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert

from domain.promotions.models import AppliedPromotionRow
from domain.promotions.result import PromotionResult
from domain.uow import UnitOfWork


async def record_applied_promotions(
    uow: UnitOfWork,
    *,
    order_id: uuid.UUID,
    result: PromotionResult,
    order_line_ids: Mapping[str, uuid.UUID],
) -> int:
    """Write the result's allocations against the order; returns the number of rows. Every cart line
    id in the result must map to an order line (KeyError otherwise: a bug in the caller)."""
    rows: list[dict[str, Any]] = []
    for applied in result.applied:
        common = {
            "store_id": uow.store_id,
            "order_id": order_id,
            "promotion_id": applied.promotion_id,
            "code_id": applied.code_id,
            "code": applied.code,
            "promotion_name": applied.name,
            "discount_class": applied.discount_class,
            "currency": result.currency,
        }
        for line in applied.lines:
            rows.append(
                {
                    **common,
                    "id": uuid.uuid4(),
                    "order_line_id": order_line_ids[line.line_id],
                    "amount": line.amount.amount,
                }
            )
        if applied.shipping.amount:
            rows.append(
                {**common, "id": uuid.uuid4(), "order_line_id": None, "amount": applied.shipping.amount}
            )
    if rows:
        await uow.session.execute(insert(AppliedPromotionRow), rows)
    return len(rows)
