"""The rules of a rule-based collection: checked and normalised here, evaluated by the read side against the
product read model. The stored shape is fixed (the evaluator reads exactly this):

    {"match": "all" | "any",
     "conditions": [{"field": F, "op": OP, "value": V}, ...]}      # price conditions add "currency"

F is `tag`, `brand` (brand slug), `category` (category slug; matches its descendants too), `product_type`
(name), `title`, `price` (integer minor units) or `attribute:<code>`. Every error names its path, e.g.
`rules.conditions.1.op`, and all of them are reported at once.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import select

from domain.catalog.errors import CatalogErrorCode
from domain.catalog.models import Attribute, AttributeKind, Brand, Category, ProductType
from domain.catalog.taxonomy_inputs import nfc
from domain.errors import DomainError, DomainErrors
from domain.tenancy.services import current_store
from domain.uow import UnitOfWork

MAX_CONDITIONS = 20
MATCHES = ("all", "any")
EQUALITY = ("eq", "ne")
ORDERED = ("eq", "ne", "lt", "lte", "gt", "gte")
OPS_BY_FIELD: dict[str, tuple[str, ...]] = {
    "tag": EQUALITY,
    "brand": EQUALITY,
    "category": EQUALITY,
    "product_type": EQUALITY,
    "title": ("contains", "eq"),
    "price": ORDERED,
}
OPS_BY_ATTRIBUTE_KIND: dict[AttributeKind, tuple[str, ...]] = {
    AttributeKind.TEXT: ("eq", "ne", "contains"),
    AttributeKind.NUMBER: ORDERED,
    AttributeKind.DATE: ORDERED,
    AttributeKind.BOOLEAN: EQUALITY,
    AttributeKind.CHOICE: EQUALITY,
    AttributeKind.MULTI_CHOICE: EQUALITY,
    AttributeKind.SWATCH: EQUALITY,
}
_ATTRIBUTE = re.compile(r"^attribute:(.+)$")
MAX_PRICE = 10**15


class _Errors:
    def __init__(self, root: str) -> None:
        self.root = root
        self.items: list[DomainError] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(DomainError(CatalogErrorCode.INVALID_RULE, message, field=f"{self.root}.{path}"))


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = nfc(value).strip()
    return value if value and len(value) <= 200 and "\x00" not in value else None


async def validate_rules(uow: UnitOfWork, rules: Any, *, field: str = "rules") -> dict[str, Any]:
    """The rules in their stored, normalised form, or DomainErrors (INVALID_RULE) naming every bad path.

    Brands, categories, product types and attributes a condition names must exist in the store, so a typo
    is an error now rather than a collection that silently matches nothing."""
    errors = _Errors(field)
    if not isinstance(rules, dict):
        raise DomainError(CatalogErrorCode.INVALID_RULE, "rules must be an object", field=field)
    for key in sorted(set(rules) - {"match", "conditions"}):
        errors.add(key, f"unknown key {key!r}")
    match = rules.get("match")
    if match not in MATCHES:
        errors.add("match", 'match must be "all" or "any"')
    conditions = rules.get("conditions")
    if not isinstance(conditions, list) or not 1 <= len(conditions) <= MAX_CONDITIONS:
        errors.add("conditions", f"conditions must be a list of 1 to {MAX_CONDITIONS} conditions")
        conditions = []
    out = [await _condition(uow, i, c, errors) for i, c in enumerate(conditions)]
    if errors.items:
        raise DomainErrors(errors.items)
    return {"match": match, "conditions": out}


async def _condition(uow: UnitOfWork, i: int, condition: Any, errors: _Errors) -> dict[str, Any]:
    at = f"conditions.{i}"
    if not isinstance(condition, dict):
        errors.add(at, "a condition is an object with field, op and value")
        return {}
    field, op, value = condition.get("field"), condition.get("op"), condition.get("value")
    allowed_keys = {"field", "op", "value", "currency"} if field == "price" else {"field", "op", "value"}
    for key in sorted(set(condition) - allowed_keys):
        errors.add(f"{at}.{key}", f"unknown key {key!r}")
    attribute = _ATTRIBUTE.match(field) if isinstance(field, str) else None
    if attribute is not None:
        return await _attribute_condition(uow, at, attribute.group(1), op, value, errors)
    if not isinstance(field, str) or field not in OPS_BY_FIELD:
        errors.add(
            f"{at}.field",
            "field must be tag, brand, category, product_type, title, price or attribute:<code>",
        )
        return {}
    if op not in OPS_BY_FIELD[field]:
        errors.add(f"{at}.op", f"{field} allows {', '.join(OPS_BY_FIELD[field])}")
    if field == "price":
        return await _price_condition(uow, at, op, value, condition.get("currency"), errors)
    text = _text(value)
    if text is None:
        errors.add(f"{at}.value", "value must be a non-blank string of at most 200 characters")
        return {}
    if field == "tag":
        text = " ".join(text.split()).casefold()
    elif field in ("brand", "category", "product_type") and not await _exists(uow, field, text):
        errors.add(f"{at}.value", f"no {field.replace('_', ' ')} {text!r} in this store")
    return {"field": field, "op": op, "value": text}


async def _exists(uow: UnitOfWork, field: str, value: str) -> bool:
    if field == "brand":
        query = select(Brand.id).where(Brand.slug == value)
    elif field == "category":
        query = select(Category.id).where(Category.slug == value)
    else:
        query = select(ProductType.id).where(ProductType.name == value)
    return await uow.session.scalar(query.limit(1)) is not None


async def _price_condition(
    uow: UnitOfWork, at: str, op: Any, value: Any, currency: Any, errors: _Errors
) -> dict[str, Any]:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PRICE:
        errors.add(f"{at}.value", "a price is a non-negative integer count of minor units")
    store = await current_store(uow)
    if currency not in store.currencies:
        errors.add(
            f"{at}.currency", f"currency must be one the store sells in: {', '.join(store.currencies)}"
        )
    return {"field": "price", "op": op, "value": value, "currency": currency}


async def _attribute_condition(
    uow: UnitOfWork, at: str, code: str, op: Any, value: Any, errors: _Errors
) -> dict[str, Any]:
    attribute = await uow.session.scalar(select(Attribute).where(Attribute.code == code))
    if attribute is None:
        errors.add(f"{at}.field", f"no attribute {code!r} in this store")
        return {}
    allowed = OPS_BY_ATTRIBUTE_KIND[attribute.kind]
    if op not in allowed:
        errors.add(f"{at}.op", f"a {attribute.kind.value} attribute allows {', '.join(allowed)}")
    field = f"attribute:{code}"
    kind = attribute.kind
    if kind is AttributeKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            errors.add(f"{at}.value", "value must be a number")
    elif kind is AttributeKind.BOOLEAN:
        if not isinstance(value, bool):
            errors.add(f"{at}.value", "value must be true or false")
    elif kind is AttributeKind.DATE:
        try:
            date.fromisoformat(value if isinstance(value, str) else "")
        except ValueError:
            errors.add(f"{at}.value", "value must be a date, YYYY-MM-DD")
    elif kind is AttributeKind.TEXT:
        value = _text(value)
        if value is None:
            errors.add(f"{at}.value", "value must be a non-blank string of at most 200 characters")
    else:
        codes = {c.get("code") for c in attribute.choices or []}
        if value not in codes:
            errors.add(
                f"{at}.value",
                f"value must be one of the attribute's choices: {', '.join(sorted(map(str, codes)))}",
            )
    return {"field": field, "op": op, "value": value}
