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

from domain.catalog.collection_rule_validation import MATCHES, OPS_BY_FIELD

FIELDS = set(OPS_BY_FIELD)
OPS = {"eq": "=", "ne": "<>", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
ORDERED = {"lt", "lte", "gt", "gte"}


def _compilable(rule: Any) -> bool:
    """Rules are checked where they are written (collection_rule_validation.validate_rules); this only
    keeps a row that bypassed that check from reaching the SQL below, where a bad field or operator would
    fail the whole refresh."""
    if not isinstance(rule, dict) or rule.get("match", "all") not in MATCHES:
        return False
    conditions = rule.get("conditions")
    return (
        isinstance(conditions, list)
        and bool(conditions)
        and all(
            isinstance(c, dict)
            and "value" in c
            and (c.get("field") in FIELDS or str(c.get("field", "")).startswith("attribute:"))
            and (c.get("op") in OPS or c.get("op") == "contains")
            and (c.get("field") != "price" or isinstance(c.get("value"), int))
            for c in conditions
        )
    )


def rules_sql(rule: dict[str, Any], params: dict[str, Any], *, prefix: str) -> str | None:
    """A boolean SQL expression for the rule (its values added to `params`), or None if it is malformed."""
    if not _compilable(rule):
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
