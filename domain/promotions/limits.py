"""Guard rails on what one store may configure; the gateway fills them from settings
(`STORMCOM_PROMOTIONS_MAX_CONDITIONS`, `STORMCOM_PROMOTIONS_MAX_ACTIVE`,
`STORMCOM_PROMOTIONS_MAX_GENERATE`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PromotionLimits:
    # Leaf conditions in one rule's tree: each one runs for every cart the store prices.
    max_conditions: int = 20
    # Active promotions per store: the engine evaluates all of them for every cart.
    max_active: int = 100
    # Codes one bulk generation may create.
    max_generate: int = 100_000
    # Nesting of and/or groups.
    max_depth: int = 3
