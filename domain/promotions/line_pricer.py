"""The seam between promotions and pricing: how the explanation prices a cart's lines.

Promotions take unit prices as given (the cart and checkout price their lines with the pricing entry
point). Only the admin explanation, which starts from variant ids, needs to price lines itself: it asks
a `LinePricer`; `EntryPointPricer` answers through domain/pricing's `price_many`, the one pricing entry
point, so the explanation sees the same unit prices (lists, tiers, schedules) as the cart."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.money import Money
from domain.pricing.engine import Audience, PriceRequest, price_many
from domain.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class LineToPrice:
    variant_id: uuid.UUID
    quantity: int


class LinePricer(Protocol):
    async def unit_prices(
        self,
        uow: UnitOfWork,
        lines: Sequence[LineToPrice],
        *,
        currency: str,
        customer_id: uuid.UUID | None,
        at: datetime,
    ) -> list[Money | None]:
        """Each line's unit price in `currency` (None: the variant has none), in the lines' order."""
        ...


class EntryPointPricer:
    """Unit prices from the pricing entry point for the line's quantity (tiers apply), in one batch."""

    async def unit_prices(
        self,
        uow: UnitOfWork,
        lines: Sequence[LineToPrice],
        *,
        currency: str,
        customer_id: uuid.UUID | None,
        at: datetime,
    ) -> list[Money | None]:
        results = await price_many(
            uow.session,
            uow.store_id,
            [PriceRequest(line.variant_id, line.quantity, currency) for line in lines],
            at=at,
            audience=Audience(customer_id=customer_id),
        )
        return [r.unit if r is not None else None for r in results]
