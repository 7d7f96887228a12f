"""Item selectors: which cart lines a condition or an action means. A line matches when its variant,
product, brand, any of its categories (ancestors included) or any of its collections is listed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from domain.promotions.snapshot import CartLine

KINDS = ("products", "variants", "categories", "collections", "brands")


@dataclass(frozen=True, slots=True)
class Selector:
    products: frozenset[uuid.UUID] = frozenset()
    variants: frozenset[uuid.UUID] = frozenset()
    categories: frozenset[uuid.UUID] = frozenset()
    collections: frozenset[uuid.UUID] = frozenset()
    brands: frozenset[uuid.UUID] = frozenset()
    every: frozenset[uuid.UUID] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "every", self.products | self.variants | self.categories | self.collections | self.brands
        )

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Selector:
        return cls(**{kind: frozenset(uuid.UUID(v) for v in raw.get(kind) or ()) for kind in KINDS})

    def matches(self, line: CartLine) -> bool:
        return not self.every.isdisjoint(line.keys)

    def describe(self) -> str:
        parts = [f"{len(getattr(self, k))} {k}" for k in KINDS if getattr(self, k)]
        return "items of " + ", ".join(parts) if parts else "no items"
