"""Global ids inside catalog inputs, decoded to database ids before the domain validates the rest."""

from __future__ import annotations

import functools
from typing import Any, TypeVar

from pydantic import BaseModel, create_model

from resolvers.errors import camel
from resolvers.ids import require_id

T = TypeVar("T", bound=BaseModel)

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


@functools.cache
def _list_model(item_type: type[BaseModel], field: str) -> type[BaseModel]:
    fields: dict[str, Any] = {field: (list[item_type], ...)}  # type: ignore[valid-type]
    model: type[BaseModel] = create_model(f"{item_type.__name__}List", **fields)
    return model


def validate_list(item_type: type[T], items: list[dict[str, Any]], *, field: str) -> list[T]:
    """Validate a list argument so that errors name it: `options.0.values`, not `0.values`."""
    model = _list_model(item_type, field)
    validated: list[T] = getattr(model.model_validate({field: items}), field)
    return validated
