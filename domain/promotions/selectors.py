"""Item selectors: which cart lines a condition or an action means. A line matches when its variant,
product, brand, any of its categories (ancestors included) or any of its collections is listed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
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

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Selector:
        return cls(**{kind: frozenset(uuid.UUID(v) for v in raw.get(kind) or ()) for kind in KINDS})

    def matches(self, line: CartLine) -> bool:
        return (
            line.variant_id in self.variants
            or line.product_id in self.products
            or (line.brand_id is not None and line.brand_id in self.brands)
            or not self.categories.isdisjoint(line.category_ids)
            or not self.collections.isdisjoint(line.collection_ids)
        )

    def describe(self) -> str:
        parts = [f"{len(getattr(self, k))} {k}" for k in KINDS if getattr(self, k)]
        return "items of " + ", ".join(parts) if parts else "no items"
