"""Global ids inside pricing inputs, decoded to database ids before the domain validates the rest."""

from __future__ import annotations

import uuid
from typing import Any

from resolvers.errors import camel
from resolvers.ids import require_id

# input key → the GraphQL type its global id(s) must name
REFERENCES = {
    "variant_id": "ProductVariant",
    "product_id": "Product",
    "group_ids": "CustomerGroup",
    "customer_ids": "Customer",
    "tax_class_id": "TaxClass",
    "segment_ids": "Segment",
}


def decode_refs(values: dict[str, Any], *, prefix: str = "") -> dict[str, Any]:
    """A copy of `values` with every reference's global id (or list of them) replaced by its uuid."""
    out = dict(values)
    for key, type_name in REFERENCES.items():
        raw = out.get(key)
        field = f"{prefix}{camel(key)}"
        if isinstance(raw, list):
            out[key] = [require_id(str(v), type_name, field=f"{field}.{i}") for i, v in enumerate(raw)]
        elif raw is not None:
            out[key] = require_id(str(raw), type_name, field=field)
    return out


def decode_items(items: list[dict[str, Any]], *, field: str) -> list[dict[str, Any]]:
    return [decode_refs(item, prefix=f"{field}.{i}.") for i, item in enumerate(items)]


def ids(values: list[str], type_name: str, *, field: str) -> list[uuid.UUID]:
    return [require_id(v, type_name, field=f"{field}.{i}") for i, v in enumerate(values)]
