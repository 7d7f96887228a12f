"""Condition trees compiled into predicates. A compiled condition answers the reasons it fails on a cart
(none: it holds); `every=True` collects every failing leaf for the merchant's explanation, otherwise it
stops at the first. The stored shape is the one domain/promotions/rules.py validates:

    {"op": "and" | "or", "conditions": [node, ...]}       a group (empty "and": always holds)
    {"type": T, ...}                                       a leaf
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from domain.money import Money
from domain.promotions.result import Reason, ReasonCode
from domain.promotions.selectors import Selector
from domain.promotions.snapshot import CartSnapshot

Leaf = Callable[[CartSnapshot], Reason | None]
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class Condition:
    leaf: Leaf | None = None
    op: str = "and"
    children: tuple[Condition, ...] = ()

    def failures(self, cart: CartSnapshot, *, every: bool) -> list[Reason]:
        if self.leaf is not None:
            reason = self.leaf(cart)
            return [reason] if reason is not None else []
        if self.op == "and":
            found: list[Reason] = []
            for child in self.children:
                found.extend(child.failures(cart, every=every))
                if found and not every:
                    return found
            return found
        collected: list[Reason] = []
        for child in self.children:
            failed = child.failures(cart, every=every)
            if not failed:
                return []
            collected.extend(failed)
        detail = "; ".join(r.message for r in collected)
        return [Reason(ReasonCode.NO_ALTERNATIVE_MET, f"none of the alternatives holds: {detail}")]


def compile_condition(node: dict[str, Any], currency: str | None) -> Condition:
    if "op" in node:
        return Condition(
            op=node["op"], children=tuple(compile_condition(c, currency) for c in node["conditions"])
        )
    return Condition(leaf=_LEAVES[node["type"]](node, currency))


def _money(amount: int, currency: str) -> str:
    return str(Money(amount, currency))


def _subtotal(node: dict[str, Any], currency: str | None) -> Leaf:
    need = int(node["amount"])

    def check(cart: CartSnapshot) -> Reason | None:
        have = cart.items_amount
        if have >= need:
            return None
        return Reason(
            ReasonCode.SUBTOTAL_BELOW,
            f"subtotal {_money(have, cart.currency)} is below {_money(need, cart.currency)}",
        )

    return check


def _quantity(node: dict[str, Any], currency: str | None) -> Leaf:
    need = int(node["quantity"])
    items = Selector.from_json(node["items"]) if node.get("items") else None

    def check(cart: CartSnapshot) -> Reason | None:
        have = sum(line.quantity for line in cart.lines if items is None or items.matches(line))
        if have >= need:
            return None
        what = "items" if items is None else items.describe()
        return Reason(ReasonCode.QUANTITY_BELOW, f"{have} {what} in the cart, {need} needed")

    return check


def _contains(node: dict[str, Any], currency: str | None) -> Leaf:
    items = Selector.from_json(node["items"])
    need = int(node.get("min_quantity") or 1)

    def check(cart: CartSnapshot) -> Reason | None:
        have = sum(line.quantity for line in cart.lines if items.matches(line))
        if have >= need:
            return None
        return Reason(ReasonCode.ITEMS_MISSING, f"the cart has {have} of {items.describe()}, {need} needed")

    return check


def _ids(node: dict[str, Any]) -> frozenset[uuid.UUID]:
    return frozenset(uuid.UUID(v) for v in node["ids"])


def _group(node: dict[str, Any], currency: str | None) -> Leaf:
    groups = _ids(node)

    def check(cart: CartSnapshot) -> Reason | None:
        if not groups.isdisjoint(cart.customer.group_ids):
            return None
        return Reason(ReasonCode.CUSTOMER_GROUP, "the customer is in none of the rule's customer groups")

    return check


def _segment(node: dict[str, Any], currency: str | None) -> Leaf:
    segments = frozenset(node["ids"])

    def check(cart: CartSnapshot) -> Reason | None:
        if not segments.isdisjoint(cart.customer.segment_ids):
            return None
        return Reason(ReasonCode.CUSTOMER_SEGMENT, "the customer is in none of the rule's segments")

    return check


def _first_order(node: dict[str, Any], currency: str | None) -> Leaf:
    def check(cart: CartSnapshot) -> Reason | None:
        if cart.customer.first_order:
            return None
        return Reason(ReasonCode.NOT_FIRST_ORDER, "only a customer's first order qualifies")

    return check


def _one_of(code: ReasonCode, what: str, attribute: str) -> Callable[[dict[str, Any], str | None], Leaf]:
    def build(node: dict[str, Any], currency: str | None) -> Leaf:
        allowed = frozenset(node["values"])

        def check(cart: CartSnapshot) -> Reason | None:
            value = getattr(cart, attribute)
            if value is not None and value.casefold() in allowed:
                return None
            return Reason(code, f"{what} {value or 'unknown'} is not one of {', '.join(sorted(allowed))}")

        return check

    return build


def _window(node: dict[str, Any], currency: str | None) -> Leaf:
    start = datetime.fromisoformat(node["from"]) if node.get("from") else None
    end = datetime.fromisoformat(node["until"]) if node.get("until") else None

    def check(cart: CartSnapshot) -> Reason | None:
        if (start is None or cart.now >= start) and (end is None or cart.now < end):
            return None
        return Reason(
            ReasonCode.OUTSIDE_DATES,
            f"{cart.now.isoformat()} is outside {start.isoformat() if start else '…'}"
            f" - {end.isoformat() if end else '…'}",
        )

    return check


def _local(cart: CartSnapshot) -> datetime:
    return cart.now.astimezone(ZoneInfo(cart.timezone))


def _weekday(node: dict[str, Any], currency: str | None) -> Leaf:
    days = frozenset(int(d) for d in node["days"])

    def check(cart: CartSnapshot) -> Reason | None:
        today = _local(cart).isoweekday()
        if today in days:
            return None
        allowed = ", ".join(DAYS[d - 1] for d in sorted(days))
        return Reason(
            ReasonCode.DAY_OF_WEEK, f"it is {DAYS[today - 1]} in the store, the rule wants {allowed}"
        )

    return check


def _hours(node: dict[str, Any], currency: str | None) -> Leaf:
    start, end = time.fromisoformat(node["from"]), time.fromisoformat(node["until"])

    def check(cart: CartSnapshot) -> Reason | None:
        now = _local(cart).time().replace(tzinfo=None)
        # A window that ends before it starts wraps midnight ("22:00"-"02:00").
        inside = start <= now < end if start < end else (now >= start or now < end)
        if inside:
            return None
        return Reason(
            ReasonCode.OUTSIDE_HOURS,
            f"it is {now.strftime('%H:%M')} in the store, outside {start.strftime('%H:%M')}"
            f"-{end.strftime('%H:%M')}",
        )

    return check


_LEAVES: dict[str, Callable[[dict[str, Any], str | None], Leaf]] = {
    "subtotal_at_least": _subtotal,
    "quantity_at_least": _quantity,
    "contains": _contains,
    "customer_group": _group,
    "customer_segment": _segment,
    "first_order": _first_order,
    "channel": _one_of(ReasonCode.CHANNEL, "sales channel", "channel"),
    "payment_method": _one_of(ReasonCode.PAYMENT_METHOD, "payment method", "payment_method"),
    "shipping_zone": _one_of(ReasonCode.SHIPPING_ZONE, "shipping zone", "shipping_zone"),
    "date_window": _window,
    "day_of_week": _weekday,
    "local_time": _hours,
}
LEAF_TYPES = tuple(_LEAVES)
