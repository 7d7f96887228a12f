"""The seam between promotions and pricing: how the explanation prices a cart's lines.

Promotions take unit prices as given (the cart and checkout price their lines with the pricing entry
point). Only the admin explanation, which starts from variant ids, needs to price lines itself: it asks
a `LinePricer`. Until domain/pricing's `price()` is merged, `CatalogBasePricer` reads the catalog's base
prices; the merge replaces it with a pricer calling `price()` (one class, nothing else changes)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import text

from domain.money import Money
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


_BASE_PRICES = text(
    "SELECT variant_id, amount FROM variant_prices"
    " WHERE store_id = :store AND currency = :currency AND variant_id = ANY(:ids)"
)


class CatalogBasePricer:
    """Base prices from variant_prices, in one statement (no lists, tiers or schedules)."""

    async def unit_prices(
        self,
        uow: UnitOfWork,
        lines: Sequence[LineToPrice],
        *,
        currency: str,
        customer_id: uuid.UUID | None,
        at: datetime,
    ) -> list[Money | None]:
        ids = list({line.variant_id for line in lines})
        rows = await uow.session.execute(
            _BASE_PRICES, {"store": uow.store_id, "currency": currency, "ids": ids}
        )
        amounts = {r.variant_id: r.amount for r in rows}
        return [
            Money(amounts[line.variant_id], currency) if line.variant_id in amounts else None
            for line in lines
        ]
