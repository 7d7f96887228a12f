"""Condition trees and actions: checked and normalised on write, every error named by its path
(`conditions.conditions.1.amount`, `action.items.brands.0`) and all reported at once, as collection rules
do. Ids a rule names (products, variants, categories, collections, brands, customer groups) must exist in
the store, so a typo is an error now rather than a rule that silently never applies.

Shapes (amounts are integer minor units of the promotion's `currency`; percents are decimal strings or
numbers, 0 < p <= 100, at most two decimals; an item selector is {"products"|"variants"|"categories"|
"collections"|"brands": [id, ...]} with at least one id):

  conditions: {"op": "and"|"or", "conditions": [node, ...]} or a leaf:
    {"type": "subtotal_at_least", "amount"}          {"type": "quantity_at_least", "quantity", "items"?}
    {"type": "contains", "items", "min_quantity"?}   {"type": "customer_group", "ids"}
    {"type": "customer_segment", "ids"}              {"type": "first_order"}
    {"type": "channel", "values": ["web", "app"]}    {"type": "payment_method", "values"}
    {"type": "shipping_zone", "values"}              {"type": "date_window", "from"?, "until"?}
    {"type": "day_of_week", "days": [1..7]}          {"type": "local_time", "from": "HH:MM", "until"}
  action:
    {"type": "order_percent", "percent"}             {"type": "order_fixed", "amount"}
    {"type": "items_percent", "percent", "items"}    {"type": "items_fixed", "amount", "items"}  (per unit)
    {"type": "buy_x_get_y", "buy_quantity", "buy_items", "get_quantity", "get_items", "percent"?,
     "max_applications"?}
    {"type": "free_shipping", "max_amount"?}
    {"type": "tiered", "tiers": [{"min_subtotal", "percent"} | {"min_subtotal", "amount"}, ...]}
    {"type": "bundle_price", "components": [{"items", "quantity"}, ...], "price", "max_applications"?}
    {"type": "gift", "variant_id", "quantity"}
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from domain.catalog.models import Brand, Category, Collection, Product, ProductVariant
from domain.customers.models import CustomerGroup
from domain.errors import DomainError, DomainErrors
from domain.promotions.actions import ACTION_TYPES
from domain.promotions.conditions import LEAF_TYPES
from domain.promotions.errors import PromotionErrorCode
from domain.promotions.limits import PromotionLimits
from domain.promotions.selectors import KINDS

MAX_AMOUNT = 10**15
MAX_IDS = 500
MAX_QUANTITY = 100_000
CHANNELS = ("web", "app")
_SINGULAR = {
    "products": "product",
    "variants": "variant",
    "categories": "category",
    "collections": "collection",
    "brands": "brand",
    "customer_groups": "customer group",
}
_MODELS: dict[str, Any] = {
    "products": Product,
    "variants": ProductVariant,
    "categories": Category,
    "collections": Collection,
    "brands": Brand,
    "customer_groups": CustomerGroup,
}


@dataclass
class _Check:
    limits: PromotionLimits
    errors: list[DomainError] = field(default_factory=list)
    # (kind, id, path) of every id named, checked against the store in one query per kind.
    refs: list[tuple[str, uuid.UUID, str]] = field(default_factory=list)
    leaves: int = 0
    uses_amounts: list[str] = field(default_factory=list)

    def add(self, code: PromotionErrorCode, path: str, message: str) -> None:
        self.errors.append(DomainError(code, message, field=path))

    def keys(self, code: PromotionErrorCode, path: str, node: dict[str, Any], allowed: set[str]) -> None:
        for key in sorted(set(node) - allowed):
            self.add(code, f"{path}.{key}", f"unknown key {key!r}")

    def amount(self, code: PromotionErrorCode, path: str, value: Any, *, positive: bool = True) -> int:
        low = 1 if positive else 0
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_AMOUNT:
            self.add(code, path, f"an amount is an integer count of minor units, at least {low}")
            return 0
        self.uses_amounts.append(path)
        return value

    def count(self, code: PromotionErrorCode, path: str, value: Any, *, most: int = MAX_QUANTITY) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
            self.add(code, path, f"must be a whole number from 1 to {most}")
            return 1
        return value

    def percent(self, code: PromotionErrorCode, path: str, value: Any) -> str:
        try:
            number = Decimal(str(value)) if not isinstance(value, bool) else Decimal("nan")
        except InvalidOperation:
            number = Decimal("nan")
        if not number.is_finite() or not 0 < number <= 100 or number != number.quantize(Decimal("0.01")):
            self.add(code, path, "a percent is a number above 0 and at most 100, with at most two decimals")
            return "0"
        return str(number.normalize()) if number != number.to_integral_value() else str(int(number))

    def ids(self, code: PromotionErrorCode, path: str, value: Any, kind: str) -> list[str]:
        if not isinstance(value, list) or not 1 <= len(value) <= MAX_IDS:
            self.add(code, path, f"a list of 1 to {MAX_IDS} ids")
            return []
        out = []
        for i, raw in enumerate(value):
            try:
                ident = uuid.UUID(str(raw))
            except ValueError:
                self.add(code, f"{path}.{i}", f"{raw!r} is not an id")
                continue
            self.refs.append((kind, ident, f"{path}.{i}"))
            out.append(str(ident))
        return sorted(set(out))

    def words(
        self, code: PromotionErrorCode, path: str, value: Any, allowed: tuple[str, ...] = ()
    ) -> list[str]:
        if not isinstance(value, list) or not 1 <= len(value) <= 50:
            self.add(code, path, "a list of 1 to 50 values")
            return []
        out = []
        for i, raw in enumerate(value):
            text = raw.strip().casefold() if isinstance(raw, str) else ""
            if not text or len(text) > 64 or (allowed and text not in allowed):
                hint = (
                    f"one of {', '.join(allowed)}"
                    if allowed
                    else "a non-blank value of at most 64 characters"
                )
                self.add(code, f"{path}.{i}", hint)
                continue
            out.append(text)
        return sorted(set(out))

    def selector(self, code: PromotionErrorCode, path: str, value: Any) -> dict[str, list[str]]:
        if not isinstance(value, dict) or not any(value.get(k) for k in KINDS):
            self.add(code, path, f"an item selector names at least one of {', '.join(KINDS)}")
            return {}
        self.keys(code, path, value, set(KINDS))
        return {k: self.ids(code, f"{path}.{k}", value[k], k) for k in KINDS if value.get(k)}

    def instant(self, code: PromotionErrorCode, path: str, value: Any) -> str | None:
        if value is None:
            return None
        try:
            at = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            at = None
        if at is None or at.tzinfo is None:
            self.add(code, path, "an ISO 8601 date-time with a UTC offset")
            return None
        return at.isoformat()

    def clock(self, code: PromotionErrorCode, path: str, value: Any) -> str:
        try:
            return time.fromisoformat(value if isinstance(value, str) else "").strftime("%H:%M")
        except ValueError:
            self.add(code, path, "a store-local time, HH:MM")
            return "00:00"


def _condition(c: _Check, node: Any, path: str, depth: int) -> dict[str, Any]:
    code = PromotionErrorCode.INVALID_RULE
    if not isinstance(node, dict):
        c.add(code, path, "a condition is an object: a group {op, conditions} or a leaf {type, ...}")
        return {}
    if "op" in node or "conditions" in node:
        c.keys(code, path, node, {"op", "conditions"})
        if node.get("op") not in ("and", "or"):
            c.add(code, f"{path}.op", 'op is "and" or "or"')
        if depth >= c.limits.max_depth:
            c.add(code, path, f"groups nest at most {c.limits.max_depth} deep")
            return {}
        children = node.get("conditions")
        if not isinstance(children, list):
            c.add(code, f"{path}.conditions", "a list of conditions")
            children = []
        return {
            "op": node.get("op"),
            "conditions": [
                _condition(c, ch, f"{path}.conditions.{i}", depth + 1) for i, ch in enumerate(children)
            ],
        }
    kind = node.get("type")
    if kind not in LEAF_TYPES:
        c.add(code, f"{path}.type", f"type is one of {', '.join(LEAF_TYPES)}")
        return {}
    c.leaves += 1
    at = path
    if kind == "subtotal_at_least":
        c.keys(code, at, node, {"type", "amount"})
        return {"type": kind, "amount": c.amount(code, f"{at}.amount", node.get("amount"))}
    if kind == "quantity_at_least":
        c.keys(code, at, node, {"type", "quantity", "items"})
        out: dict[str, Any] = {
            "type": kind,
            "quantity": c.count(code, f"{at}.quantity", node.get("quantity")),
        }
        if node.get("items") is not None:
            out["items"] = c.selector(code, f"{at}.items", node["items"])
        return out
    if kind == "contains":
        c.keys(code, at, node, {"type", "items", "min_quantity"})
        return {
            "type": kind,
            "items": c.selector(code, f"{at}.items", node.get("items")),
            "min_quantity": c.count(code, f"{at}.min_quantity", node.get("min_quantity", 1)),
        }
    if kind == "customer_group":
        c.keys(code, at, node, {"type", "ids"})
        return {"type": kind, "ids": c.ids(code, f"{at}.ids", node.get("ids"), "customer_groups")}
    if kind == "customer_segment":
        c.keys(code, at, node, {"type", "ids"})
        return {"type": kind, "ids": c.words(code, f"{at}.ids", node.get("ids"))}
    if kind == "first_order":
        c.keys(code, at, node, {"type"})
        return {"type": kind}
    if kind in ("channel", "payment_method", "shipping_zone"):
        c.keys(code, at, node, {"type", "values"})
        allowed = CHANNELS if kind == "channel" else ()
        return {"type": kind, "values": c.words(code, f"{at}.values", node.get("values"), allowed)}
    if kind == "date_window":
        c.keys(code, at, node, {"type", "from", "until"})
        start = c.instant(code, f"{at}.from", node.get("from"))
        end = c.instant(code, f"{at}.until", node.get("until"))
        if node.get("from") is None and node.get("until") is None:
            c.add(code, at, "a date window has a from, an until, or both")
        if start and end and datetime.fromisoformat(start) >= datetime.fromisoformat(end):
            c.add(code, f"{at}.until", "until must be after from")
        return {"type": kind, "from": start, "until": end}
    if kind == "day_of_week":
        c.keys(code, at, node, {"type", "days"})
        days = node.get("days")
        if (
            not isinstance(days, list)
            or not days
            or any(d not in range(1, 8) or isinstance(d, bool) for d in days)
        ):
            c.add(code, f"{at}.days", "a list of ISO weekdays, 1 (Monday) to 7 (Sunday)")
            days = []
        return {"type": kind, "days": sorted(set(days))}
    c.keys(code, at, node, {"type", "from", "until"})
    start_t, end_t = (
        c.clock(code, f"{at}.from", node.get("from")),
        c.clock(code, f"{at}.until", node.get("until")),
    )
    if start_t == end_t:
        c.add(code, f"{at}.until", "until must differ from from")
    return {"type": kind, "from": start_t, "until": end_t}


def _action(c: _Check, node: Any) -> dict[str, Any]:
    code, at = PromotionErrorCode.INVALID_ACTION, "action"
    if not isinstance(node, dict) or node.get("type") not in ACTION_TYPES:
        c.add(code, f"{at}.type", f"type is one of {', '.join(ACTION_TYPES)}")
        return {}
    kind = node["type"]
    if kind == "order_percent":
        c.keys(code, at, node, {"type", "percent"})
        return {"type": kind, "percent": c.percent(code, f"{at}.percent", node.get("percent"))}
    if kind == "order_fixed":
        c.keys(code, at, node, {"type", "amount"})
        return {"type": kind, "amount": c.amount(code, f"{at}.amount", node.get("amount"))}
    if kind == "items_percent":
        c.keys(code, at, node, {"type", "percent", "items"})
        return {
            "type": kind,
            "percent": c.percent(code, f"{at}.percent", node.get("percent")),
            "items": c.selector(code, f"{at}.items", node.get("items")),
        }
    if kind == "items_fixed":
        c.keys(code, at, node, {"type", "amount", "items"})
        return {
            "type": kind,
            "amount": c.amount(code, f"{at}.amount", node.get("amount")),
            "items": c.selector(code, f"{at}.items", node.get("items")),
        }
    if kind == "buy_x_get_y":
        c.keys(
            code,
            at,
            node,
            {"type", "buy_quantity", "buy_items", "get_quantity", "get_items", "percent", "max_applications"},
        )
        out: dict[str, Any] = {
            "type": kind,
            "buy_quantity": c.count(code, f"{at}.buy_quantity", node.get("buy_quantity"), most=1000),
            "buy_items": c.selector(code, f"{at}.buy_items", node.get("buy_items")),
            "get_quantity": c.count(code, f"{at}.get_quantity", node.get("get_quantity"), most=1000),
            "get_items": c.selector(code, f"{at}.get_items", node.get("get_items")),
            "percent": c.percent(code, f"{at}.percent", node.get("percent", 100)),
        }
        if node.get("max_applications") is not None:
            out["max_applications"] = c.count(
                code, f"{at}.max_applications", node["max_applications"], most=1000
            )
        return out
    if kind == "free_shipping":
        c.keys(code, at, node, {"type", "max_amount"})
        out = {"type": kind}
        if node.get("max_amount") is not None:
            out["max_amount"] = c.amount(code, f"{at}.max_amount", node["max_amount"])
        return out
    if kind == "tiered":
        c.keys(code, at, node, {"type", "tiers"})
        tiers = node.get("tiers")
        if not isinstance(tiers, list) or not 1 <= len(tiers) <= 10:
            c.add(code, f"{at}.tiers", "a list of 1 to 10 tiers")
            return {"type": kind, "tiers": []}
        out_tiers = []
        for i, tier in enumerate(tiers):
            p = f"{at}.tiers.{i}"
            if not isinstance(tier, dict) or ("percent" in tier) == ("amount" in tier):
                c.add(code, p, "a tier is {min_subtotal, percent} or {min_subtotal, amount}")
                continue
            c.keys(code, p, tier, {"min_subtotal", "percent", "amount"})
            entry: dict[str, Any] = {
                "min_subtotal": c.amount(code, f"{p}.min_subtotal", tier.get("min_subtotal"))
            }
            if "percent" in tier:
                entry["percent"] = c.percent(code, f"{p}.percent", tier["percent"])
            else:
                entry["amount"] = c.amount(code, f"{p}.amount", tier["amount"])
            out_tiers.append(entry)
        thresholds = [t["min_subtotal"] for t in out_tiers]
        if len(set(thresholds)) != len(thresholds):
            c.add(code, f"{at}.tiers", "each tier needs its own minimum subtotal")
        return {"type": kind, "tiers": sorted(out_tiers, key=lambda t: t["min_subtotal"])}
    if kind == "bundle_price":
        c.keys(code, at, node, {"type", "components", "price", "max_applications"})
        components = node.get("components")
        if not isinstance(components, list) or not 1 <= len(components) <= 10:
            c.add(code, f"{at}.components", "a list of 1 to 10 components")
            components = []
        out_components = []
        for i, comp in enumerate(components):
            p = f"{at}.components.{i}"
            if not isinstance(comp, dict):
                c.add(code, p, "a component is {items, quantity}")
                continue
            c.keys(code, p, comp, {"items", "quantity"})
            out_components.append(
                {
                    "items": c.selector(code, f"{p}.items", comp.get("items")),
                    "quantity": c.count(code, f"{p}.quantity", comp.get("quantity"), most=100),
                }
            )
        out = {
            "type": kind,
            "components": out_components,
            "price": c.amount(code, f"{at}.price", node.get("price"), positive=False),
        }
        if node.get("max_applications") is not None:
            out["max_applications"] = c.count(
                code, f"{at}.max_applications", node["max_applications"], most=1000
            )
        return out
    c.keys(code, at, node, {"type", "variant_id", "quantity"})
    variants = c.ids(code, f"{at}.variant_id", [node.get("variant_id")], "variants")
    return {
        "type": kind,
        "variant_id": variants[0] if variants else None,
        "quantity": c.count(code, f"{at}.quantity", node.get("quantity", 1), most=100),
    }


async def _check_refs(uow: Any, c: _Check) -> None:
    by_kind: dict[str, set[uuid.UUID]] = {}
    for kind, ident, _ in c.refs:
        by_kind.setdefault(kind, set()).add(ident)
    found: dict[str, set[uuid.UUID]] = {}
    for kind, ids in by_kind.items():
        model = _MODELS[kind]
        rows = await uow.session.scalars(select(model.id).where(model.id.in_(ids)))
        found[kind] = set(rows.all())
    for kind, ident, path in c.refs:
        if ident not in found[kind]:
            c.add(
                PromotionErrorCode.INVALID_ACTION
                if path.startswith("action")
                else PromotionErrorCode.INVALID_RULE,
                path,
                f"no {_SINGULAR[kind]} {ident} in this store",
            )


@dataclass(frozen=True)
class ValidRules:
    conditions: dict[str, Any]
    action: dict[str, Any]
    leaves: int
    uses_amounts: bool


async def validate_rules(uow: Any, conditions: Any, action: Any, limits: PromotionLimits) -> ValidRules:
    """Both in their stored, normalised form, or DomainErrors naming every bad path (INVALID_RULE,
    INVALID_ACTION, TOO_MANY_CONDITIONS)."""
    c = _Check(limits)
    tree = _condition(
        c, conditions if conditions is not None else {"op": "and", "conditions": []}, "conditions", 0
    )
    if tree and "op" not in tree:
        tree = {"op": "and", "conditions": [tree]}
    if c.leaves > limits.max_conditions:
        c.add(
            PromotionErrorCode.TOO_MANY_CONDITIONS,
            "conditions",
            f"a rule has at most {limits.max_conditions} conditions, this one has {c.leaves}",
        )
    normal = _action(c, action)
    if c.refs:
        await _check_refs(uow, c)
    if c.errors:
        raise DomainErrors(c.errors)
    return ValidRules(tree, normal, c.leaves, bool(c.uses_amounts))
