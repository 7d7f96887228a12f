"""What the engine evaluates: a cart already priced by the caller, and the facts conditions look at.

Pure data. The engine never reads the database; callers (the explanation query now, cart and checkout
later) build a snapshot and hand it over, so one cart evaluates the same everywhere."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from domain.money import Money


@dataclass(frozen=True, slots=True)
class CartLine:
    id: str
    variant_id: uuid.UUID
    product_id: uuid.UUID
    quantity: int
    unit_price: Money
    # The product's category and every ancestor of it.
    category_ids: frozenset[uuid.UUID] = frozenset()
    collection_ids: frozenset[uuid.UUID] = frozenset()
    brand_id: uuid.UUID | None = None
    # Every id a selector can name this line by, in one set: a selector then matches with one
    # isdisjoint (ids are uuid4, unique across tables).
    keys: frozenset[uuid.UUID] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.quantity < 1:
            raise ValueError("a cart line has at least one unit")
        if self.unit_price.amount < 0:
            raise ValueError("a unit price is never negative")
        brand = (self.brand_id,) if self.brand_id is not None else ()
        keys = frozenset((self.variant_id, self.product_id, *brand)) | self.category_ids | self.collection_ids
        object.__setattr__(self, "keys", keys)

    @property
    def amount(self) -> int:
        return self.unit_price.amount * self.quantity


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    id: uuid.UUID | None = None
    group_ids: frozenset[uuid.UUID] = frozenset()
    segment_ids: frozenset[str] = frozenset()
    first_order: bool = False


@dataclass(frozen=True, slots=True)
class CartSnapshot:
    currency: str
    lines: tuple[CartLine, ...]
    now: datetime
    shipping: Money | None = None
    customer: CustomerFacts = field(default_factory=CustomerFacts)
    channel: str | None = None
    payment_method: str | None = None
    shipping_zone: str | None = None
    timezone: str = "Asia/Dhaka"
    # The lines' sum, computed once: many conditions read it.
    items_amount: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        ids = [line.id for line in self.lines]
        if len(set(ids)) != len(ids):
            raise ValueError("cart line ids must be unique")
        for line in self.lines:
            if line.unit_price.currency != self.currency:
                raise ValueError(
                    f"line {line.id} is priced in {line.unit_price.currency}, not {self.currency}"
                )
        if self.shipping is not None and self.shipping.currency != self.currency:
            raise ValueError("shipping is in another currency than the cart")
        object.__setattr__(self, "items_amount", sum(line.amount for line in self.lines))

    @property
    def subtotal(self) -> Money:
        return Money(self.items_amount, self.currency)

    @property
    def shipping_amount(self) -> Money:
        return self.shipping if self.shipping is not None else Money.zero(self.currency)
