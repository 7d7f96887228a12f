"""Quantity breaks: validation of a tier table ("1-9: 500, 10-49: 450, 50+: 400")."""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import DomainError, DomainErrors
from domain.pricing.errors import PricingErrorCode
from domain.pricing.inputs import TierInput


def validate_tiers(tiers: Sequence[TierInput], *, field: str = "tiers") -> list[tuple[int, int]]:
    """The breaks as (min quantity, amount), ordered. The table must start at 1, each break must start
    right after the previous one ends (no gap, no overlap), and only the last may be open-ended."""
    errors: list[DomainError] = []
    ordered = sorted(enumerate(tiers), key=lambda t: t[1].min_quantity)
    if not ordered:
        raise DomainError(PricingErrorCode.REQUIRED, "give at least the break at 1", field=field)
    first_index, first = ordered[0]
    if first.min_quantity != 1:
        errors.append(
            DomainError(
                PricingErrorCode.TIER_FIRST_BREAK,
                "the first break starts at 1",
                field=f"{field}.{first_index}.minQuantity",
            )
        )
    for position, (index, tier) in enumerate(ordered):
        where = f"{field}.{index}"
        if tier.max_quantity is not None and tier.max_quantity < tier.min_quantity:
            errors.append(
                DomainError(PricingErrorCode.INVALID, "max is below min", field=f"{where}.maxQuantity")
            )
        if position + 1 < len(ordered):
            following = ordered[position + 1][1]
            if tier.max_quantity is None:
                errors.append(
                    DomainError(
                        PricingErrorCode.TIER_OPEN_END,
                        "only the last break may be open-ended",
                        field=f"{where}.maxQuantity",
                    )
                )
            elif following.min_quantity <= tier.max_quantity:
                errors.append(
                    DomainError(
                        PricingErrorCode.TIER_OVERLAP,
                        f"overlaps the break from {following.min_quantity}",
                        field=f"{where}.maxQuantity",
                    )
                )
            elif following.min_quantity > tier.max_quantity + 1:
                errors.append(
                    DomainError(
                        PricingErrorCode.TIER_GAP,
                        f"quantities {tier.max_quantity + 1}..{following.min_quantity - 1} have no price",
                        field=f"{where}.maxQuantity",
                    )
                )
        elif tier.max_quantity is not None:
            errors.append(
                DomainError(
                    PricingErrorCode.TIER_OPEN_END,
                    "the last break has no upper end",
                    field=f"{where}.maxQuantity",
                )
            )
    if errors:
        raise DomainErrors(errors)
    return [(t.min_quantity, t.amount) for _, t in ordered]
