"""Actions compiled into functions that propose a discount on what is left of a cart.

Each proposal is per line (aligned with the ledger's lines) plus shipping, never more than what is left
of each, so a discount can never exceed what it applies to and later promotions see the reduced amounts.
Order-level amounts are split over lines with money.allocate, so the split sums exactly. The stored shape
is the one domain/promotions/rules.py validates."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from domain.money import allocate, round_half_even
from domain.promotions.models import DiscountClass
from domain.promotions.result import GiftToAdd
from domain.promotions.selectors import Selector
from domain.promotions.snapshot import CartLine, CartSnapshot

CLASS_BY_ACTION: dict[str, DiscountClass] = {
    "order_percent": DiscountClass.ORDER,
    "order_fixed": DiscountClass.ORDER,
    "tiered": DiscountClass.ORDER,
    "items_percent": DiscountClass.PRODUCT,
    "items_fixed": DiscountClass.PRODUCT,
    "buy_x_get_y": DiscountClass.PRODUCT,
    "bundle_price": DiscountClass.PRODUCT,
    "gift": DiscountClass.PRODUCT,
    "free_shipping": DiscountClass.SHIPPING,
}
ACTION_TYPES = tuple(CLASS_BY_ACTION)


@dataclass
class Ledger:
    """What is left to discount: per line (in the engine's canonical line order) and shipping."""

    lines: tuple[CartLine, ...]
    remaining: list[int]
    shipping: int

    @property
    def items(self) -> int:
        return sum(self.remaining)


@dataclass
class Proposal:
    parts: list[int]
    shipping: int = 0
    gifts: tuple[GiftToAdd, ...] = field(default_factory=tuple)

    @property
    def amount(self) -> int:
        return sum(self.parts) + self.shipping


Action = Callable[[CartSnapshot, Ledger], Proposal]


def percent(raw: Any) -> Fraction:
    return Fraction(Decimal(str(raw))) / 100


def compile_action(promotion_id: uuid.UUID, node: dict[str, Any]) -> Action:
    return _BUILDERS[node["type"]](promotion_id, node)


def _spread(amount: int, ledger: Ledger, indices: list[int]) -> Proposal:
    """`amount` (at most what is left on `indices`) split over those lines by what is left on each."""
    parts = [0] * len(ledger.lines)
    amount = min(amount, sum(ledger.remaining[i] for i in indices))
    if amount <= 0 or not indices:
        return Proposal(parts)
    for i, part in zip(indices, allocate(amount, [ledger.remaining[i] for i in indices]), strict=True):
        parts[i] = part
    return Proposal(parts)


def _all(ledger: Ledger) -> list[int]:
    return list(range(len(ledger.lines)))


def _order_percent(pid: uuid.UUID, node: dict[str, Any]) -> Action:
    rate = percent(node["percent"])
    return lambda cart, ledger: _spread(round_half_even(ledger.items * rate), ledger, _all(ledger))


def _order_fixed(pid: uuid.UUID, node: dict[str, Any]) -> Action:
    amount = int(node["amount"])
    return lambda cart, ledger: _spread(amount, ledger, _all(ledger))


def _tiered(pid: uuid.UUID, node: dict[str, Any]) -> Action:
    tiers = sorted(node["tiers"], key=lambda t: int(t["min_subtotal"]), reverse=True)

    def apply(cart: CartSnapshot, ledger: Ledger) -> Proposal:
        # The threshold reads the cart's subtotal as shown to the shopper ("spend ৳5000"); the discount
        # comes off what is left after item discounts.
        subtotal = cart.items_amount
        tier = next((t for t in tiers if subtotal >= int(t["min_subtotal"])), None)
        if tier is None:
            return Proposal([0] * len(ledger.lines))
        if "percent" in tier:
            amount = round_half_even(ledger.items * percent(tier["percent"]))
        else:
            amount = int(tier["amount"])
        return _spread(amount, ledger, _all(ledger))

    return apply


def _matching(ledger: Ledger, items: Selector) -> list[int]:
    return [i for i, line in enumerate(ledger.lines) if items.matches(line)]


def _items_percent(pid: uuid.UUID, node: dict[str, Any]) -> Action:
    rate, items = percent(node["percent"]), Selector.from_json(node["items"])

    def apply(cart: CartSnapshot, ledger: Ledger) -> Proposal:
        indices = _matching(ledger, items)
        base = sum(ledger.remaining[i] for i in indices)
        return _spread(round_half_even(base * rate), ledger, indices)

    return apply


def _items_fixed(pid: uuid.UUID, node: dict[str, Any]) -> Action:
    amount, items = int(node["amount"]), Selector.from_json(node["items"])

    def apply(cart: CartSnapshot, ledger: Ledger) -> Proposal:
        parts = [0] * len(ledger.lines)
        for i in _matching(ledger, items):
            parts[i] = min(amount * ledger.lines[i].quantity, ledger.remaining[i])
        return Proposal(parts)

    return apply


def _order(ledger: Ledger, items: Selector, *, dearest_first: bool) -> list[int]:
    """Indices of the matching lines, dearest (or cheapest) unit first, ties by line order."""
    matching = _matching(ledger, items)
    sign = -1 if dearest_first else 1
    return sorted(matching, key=lambda i: (sign * ledger.lines[i].unit_price.amount, i))


class _Pool:
    """Units of some lines taken in a fixed order, counted per line (never one entry per unit, so a line
    of 100 000 units costs what a line of one does). `left` is shared by every pool of one action: a unit
    serves once."""

    def __init__(self, order: list[int], left: list[int]) -> None:
        self.order, self.left, self.at = order, left, 0

    def take(self, n: int) -> list[tuple[int, int]] | None:
        taken: list[tuple[int, int]] = []
        while n and self.at < len(self.order):
            i = self.order[self.at]
            if self.left[i] == 0:
                self.at += 1
                continue
            k = min(n, self.left[i])
            self.left[i] -= k
            n -= k
            taken.append((i, k))
        if n:
            for i, k in taken:
                self.left[i] += k
            return None
        return taken


def _capped(ledger: Ledger, wanted: list[int]) -> list[int]:
    return [min(w, r) for w, r in zip(wanted, ledger.remaining, strict=True)]


def _buy_x_get_y(pid: uuid.UUID, node: dict[str, Any]) -> Action:
    buy_n, get_n = int(node["buy_quantity"]), int(node["get_quantity"])
    buy, get = Selector.from_json(node["buy_items"]), Selector.from_json(node["get_items"])
    rate = percent(node.get("percent", 100))
    limit = node.get("max_applications")

    def apply(cart: CartSnapshot, ledger: Ledger) -> Proposal:
        # Each application takes the dearest qualifying units as the purchase and the cheapest reward
        # units as the gift ("cheapest free"); a unit serves once.
        left = [line.quantity for line in ledger.lines]
        buying = _Pool(_order(ledger, buy, dearest_first=True), left)
        getting = _Pool(_order(ledger, get, dearest_first=False), left)
        wanted = [0] * len(ledger.lines)
        applications = 0
        while limit is None or applications < int(limit):
            if buying.take(buy_n) is None:
                break
            free = getting.take(get_n)
            if free is None:
                break
            for i, k in free:
                wanted[i] += k * round_half_even(ledger.lines[i].unit_price.amount * rate)
            applications += 1
        return Proposal(_capped(ledger, wanted))

    return apply


def _bundle_price(pid: uuid.UUID, node: dict[str, Any]) -> Action:
    components = [(Selector.from_json(c["items"]), int(c["quantity"])) for c in node["components"]]
    price = int(node["price"])
    limit = node.get("max_applications")

    def apply(cart: CartSnapshot, ledger: Ledger) -> Proposal:
        left = [line.quantity for line in ledger.lines]
        pools = [(_Pool(_order(ledger, items, dearest_first=True), left), n) for items, n in components]
        wanted = [0] * len(ledger.lines)
        applications = 0
        while limit is None or applications < int(limit):
            picked: list[tuple[int, int]] = []
            for pool, quantity in pools:
                chosen = pool.take(quantity)
                if chosen is None:
                    return Proposal(_capped(ledger, wanted))
                picked.extend(chosen)
            values = [ledger.lines[i].unit_price.amount * k for i, k in picked]
            saving = sum(values) - price
            if saving > 0:
                for (i, _), part in zip(picked, allocate(saving, values), strict=True):
                    wanted[i] += part
            applications += 1
        return Proposal(_capped(ledger, wanted))

    return apply


def _gift(pid: uuid.UUID, node: dict[str, Any]) -> Action:
    variant_id, quantity = uuid.UUID(node["variant_id"]), int(node["quantity"])

    def apply(cart: CartSnapshot, ledger: Ledger) -> Proposal:
        wanted = [0] * len(ledger.lines)
        left = quantity
        for i, line in enumerate(ledger.lines):
            if line.variant_id == variant_id and left:
                units = min(left, line.quantity)
                wanted[i] = units * line.unit_price.amount
                left -= units
        gifts = (GiftToAdd(pid, variant_id, left),) if left else ()
        return Proposal(_capped(ledger, wanted), gifts=gifts)

    return apply


def _free_shipping(pid: uuid.UUID, node: dict[str, Any]) -> Action:
    most = node.get("max_amount")

    def apply(cart: CartSnapshot, ledger: Ledger) -> Proposal:
        amount = ledger.shipping if most is None else min(ledger.shipping, int(most))
        return Proposal([0] * len(ledger.lines), shipping=amount)

    return apply


_BUILDERS: dict[str, Callable[[uuid.UUID, dict[str, Any]], Action]] = {
    "order_percent": _order_percent,
    "order_fixed": _order_fixed,
    "tiered": _tiered,
    "items_percent": _items_percent,
    "items_fixed": _items_fixed,
    "buy_x_get_y": _buy_x_get_y,
    "bundle_price": _bundle_price,
    "gift": _gift,
    "free_shipping": _free_shipping,
}
