"""Which catalog entity a translation mutation's global id names: the id's own type tells."""

from __future__ import annotations

import uuid

from domain.catalog.errors import CatalogErrorCode
from domain.catalog.translations import EntityType
from domain.errors import DomainError
from resolvers.ids import decode_global_id

TYPE_NAMES = {
    "Product": EntityType.PRODUCT,
    "ProductVariant": EntityType.VARIANT,
    "Category": EntityType.CATEGORY,
    "Brand": EntityType.BRAND,
    "Collection": EntityType.COLLECTION,
}


def translatable(global_id: str) -> tuple[EntityType, uuid.UUID]:
    for type_name, kind in TYPE_NAMES.items():
        value = decode_global_id(global_id, type_name)
        if value is not None:
            return kind, value
    raise DomainError(
        CatalogErrorCode.NOT_FOUND,
        "no product, variant, category, brand or collection with this id",
        field="id",
    )
