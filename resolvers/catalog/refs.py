"""Global ids inside catalog inputs, decoded to database ids before the domain validates the rest."""

from __future__ import annotations

from typing import Any

from resolvers.errors import camel
from resolvers.ids import require_id

# input key → the GraphQL type its global id must name
REFERENCES = {
    "brand_id": "Brand",
    "category_id": "Category",
    "product_type_id": "ProductType",
    "variant_id": "ProductVariant",
    "attribute_id": "Attribute",
}


def decode_refs(values: dict[str, Any], *, prefix: str = "") -> dict[str, Any]:
    """A copy of `values` with every reference key's global id replaced by its uuid (null stays null)."""
    out = dict(values)
    for key, type_name in REFERENCES.items():
        raw = out.get(key)
        if raw is not None:
            out[key] = require_id(str(raw), type_name, field=f"{prefix}{camel(key)}")
    return out


def decode_list(items: list[dict[str, Any]], *, field: str) -> list[dict[str, Any]]:
    return [decode_refs(item, prefix=f"{field}.{i}.") for i, item in enumerate(items)]
