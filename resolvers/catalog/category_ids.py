"""A parent category named by a global id: a malformed id is INVALID_PARENT, as an unknown one is."""

from __future__ import annotations

import uuid

from domain.catalog.errors import CatalogErrorCode
from domain.errors import DomainError
from resolvers.ids import decode_global_id


def parent_category_id(global_id: str | None) -> uuid.UUID | None:
    if global_id is None:
        return None
    value = decode_global_id(global_id, "Category")
    if value is None:
        raise DomainError(CatalogErrorCode.INVALID_PARENT, "no category with this id", field="parentId")
    return value
