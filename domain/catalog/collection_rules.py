"""Rule-based collections compiled to SQL over the read model.

A rule is `{"match": "all"|"any", "conditions": [{"field", "op", "value", "currency"?}]}` with field one of
tag, brand (slug), category (slug, descendants included), product_type (name), title, price (minor units,
in `currency` or the store's default) and `attribute:<code>`. Values are always bound parameters; fields
and operators come from the fixed tables below, so a rule can never inject SQL.

The compiled condition reads `ps` (product_summaries) and `p` (products) of the enclosing statement.
"""

from __future__ import annotations

from datetime import date
from typing import Any

FIELDS = {"tag", "brand", "category", "product_type", "title", "price"}
OPS = {"eq": "=", "ne": "<>", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
ORDERED = {"lt", "lte", "gt", "gte"}


def rule_errors(rule: Any) -> list[str]:
    """Why a rule is malformed (empty when it is fine)."""
    if not isinstance(rule, dict) or rule.get("match", "all") not in ("all", "any"):
        return ["match must be all or any"]
    conditions = rule.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        return ["conditions must be a non-empty list"]
    errors = []
    for i, c in enumerate(conditions):
        if not isinstance(c, dict):
            errors.append(f"conditions[{i}] must be an object")
            continue
        field, op = str(c.get("field", "")), c.get("op")
        if field not in FIELDS and not (field.startswith("attribute:") and len(field) > 10):
            errors.append(f"conditions[{i}].field {field!r} is unknown")
        if op not in OPS and op != "contains":
            errors.append(f"conditions[{i}].op {op!r} is unknown")
        if "value" not in c:
            errors.append(f"conditions[{i}].value is required")
        if field == "price" and not isinstance(c.get("value"), int):
            errors.append(f"conditions[{i}].value must be an integer amount in minor units")
    return errors


def rules_sql(rule: dict[str, Any], params: dict[str, Any], *, prefix: str) -> str | None:
    """A boolean SQL expression for the rule (its values added to `params`), or None if it is malformed."""
    if rule_errors(rule):
        return None
    parts = []
    for i, c in enumerate(rule["conditions"]):
        key = f"{prefix}{i}"
        parts.append(_condition(c, params, key))
    joiner = " AND " if rule.get("match", "all") == "all" else " OR "
    return "(" + joiner.join(parts) + ")"


def _condition(c: dict[str, Any], params: dict[str, Any], key: str) -> str:
    field, op, value = str(c["field"]), str(c["op"]), c["value"]
    # Booleans are stored in the read model as PostgreSQL prints them ("true"), not as Python does.
    params[key] = value if field == "price" else str(value).lower() if isinstance(value, bool) else str(value)
    negate = op == "ne"
    if field == "tag":
        expr = (
            f"EXISTS (SELECT 1 FROM unnest(ps.tags) t WHERE t ILIKE '%' || :{key} || '%')"
            if op == "contains"
            else f"(:{key} = ANY(ps.tags))"
        )
    elif field == "brand":
        expr = f"ps.brand_id IN (SELECT id FROM brands WHERE store_id = :store AND slug = :{key})"
    elif field == "category":
        expr = (
            f"EXISTS (SELECT 1 FROM categories cr WHERE cr.store_id = :store AND cr.slug = :{key}"
            " AND ps.category_path LIKE cr.path || '%')"
        )
    elif field == "product_type":
        expr = (
            f"p.product_type_id IN (SELECT id FROM product_types WHERE store_id = :store AND name = :{key})"
        )
    elif field == "title":
        if op == "contains":
            expr = f"(p.title ILIKE '%' || :{key} || '%' OR ps.title ILIKE '%' || :{key} || '%')"
        elif op in ORDERED:
            expr = f"(p.title {OPS[op]} :{key})"
        else:
            expr = f"(lower(p.title) = lower(:{key}))"
    elif field == "price":
        params[f"{key}_cur"] = str(c.get("currency") or "")
        cmp = OPS.get(op, "=") if not negate else "="
        expr = (
            "EXISTS (SELECT 1 FROM product_summary_prices sp WHERE sp.store_id = :store"
            " AND sp.product_id = ps.product_id AND sp.currency = coalesce(nullif(:"
            f"{key}_cur, ''), (SELECT default_currency FROM stores WHERE id = :store))"
            f" AND sp.min_amount {cmp} CAST(:{key} AS bigint))"
        )
    else:
        code = field.split(":", 1)[1]
        params[f"{key}_code"] = code
        if op in ORDERED:
            # Date attributes compare as dates ("2026-12-31"), every other ordered kind as numbers.
            column, cast = ("av.date_value", "date") if _is_date(value) else ("av.number_value", "numeric")
            expr = (
                "EXISTS (SELECT 1 FROM product_attribute_values av"
                " JOIN attributes a ON a.id = av.attribute_id"
                f" WHERE av.store_id = :store AND av.product_id = ps.product_id AND a.code = :{key}_code"
                f" AND {column} {OPS[op]} CAST(:{key} AS {cast}))"
            )
        elif op == "contains":
            expr = (
                f"EXISTS (SELECT 1 FROM unnest(ps.attribute_values) v WHERE v LIKE :{key}_code || ':%'"
                f" AND v ILIKE '%' || :{key} || '%')"
            )
        else:
            expr = f"((:{key}_code || ':' || :{key}) = ANY(ps.attribute_values))"
    return f"(NOT {expr})" if negate else expr


def _is_date(value: Any) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return len(str(value)) == 10
