"""Which zone an address is in and what each method charges: pure functions over loaded rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.shipping.models import RateKind, ShippingMethod, ShippingZone


@dataclass(frozen=True, slots=True)
class ShipmentFacts:
    """What a rate depends on: the destination, the cart's subtotal (before discounts, in the cart's
    currency) and the weight of the lines that ship."""

    division: str
    district: str
    subtotal: int
    weight_grams: int
    currency: str


@dataclass(frozen=True, slots=True)
class Quote:
    method: ShippingMethod
    amount: int
    free: bool


def zone_for(zones: Sequence[ShippingZone], division: str, district: str) -> ShippingZone | None:
    """The most specific zone naming the address: by district, then division, then the catch-all zone.
    Ties go to the earliest-created zone, so the answer is stable."""
    ordered = sorted(zones, key=lambda z: (z.created_at, z.id))
    for zone in ordered:
        if district in zone.districts:
            return zone
    for zone in ordered:
        if division in zone.divisions:
            return zone
    return next((z for z in ordered if not z.districts and not z.divisions), None)


def price(method: ShippingMethod, facts: ShipmentFacts) -> Quote:
    if method.free_over is not None and facts.subtotal >= method.free_over:
        return Quote(method, 0, True)
    amount = method.amount
    if method.kind is not RateKind.FLAT:
        measure = facts.weight_grams if method.kind is RateKind.WEIGHT else facts.subtotal
        for bracket in sorted(method.brackets, key=lambda b: int(b["from"])):
            if int(bracket["from"]) <= measure:
                amount = int(bracket["amount"])
    return Quote(method, amount, False)


def quotes(
    zones: Sequence[ShippingZone], methods: Sequence[ShippingMethod], facts: ShipmentFacts
) -> list[Quote]:
    """The active methods of the address's zone in the cart's currency, priced, in display order."""
    zone = zone_for(zones, facts.division, facts.district)
    if zone is None:
        return []
    chosen = [m for m in methods if m.zone_id == zone.id and m.active and m.currency == facts.currency]
    chosen.sort(key=lambda m: (m.position, m.code))
    return [price(m, facts) for m in chosen]
