"""Translated text of catalog entities, one row per entity and locale holding the translated fields.

Text is stored NFC-normalised (Bengali typed on different keyboards then compares and searches equal) and
translated descriptions go through the same HTML allow-list as product descriptions."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from domain.catalog import events
from domain.catalog.errors import CatalogErrorCode
from domain.catalog.html import sanitize_html
from domain.catalog.models import Brand, Category, Collection, Product, ProductVariant, Translation
from domain.catalog.taxonomy_inputs import nfc
from domain.errors import DomainError, DomainErrors
from domain.tenancy.services import current_store
from domain.uow import UnitOfWork


class EntityType(enum.StrEnum):
    PRODUCT = "product"
    VARIANT = "variant"
    CATEGORY = "category"
    BRAND = "brand"
    COLLECTION = "collection"


_PLAIN: Callable[[str], str] = str.strip
_TAXONOMY = {"name": (200, _PLAIN), "description": (20_000, _PLAIN)}
# Field name -> (maximum length, how the value is cleaned before it is stored).
FIELDS: dict[EntityType, dict[str, tuple[int, Callable[[str], str]]]] = {
    EntityType.PRODUCT: {
        "title": (300, _PLAIN),
        "description_html": (200_000, sanitize_html),
        "seo_title": (300, _PLAIN),
        "seo_description": (1000, _PLAIN),
    },
    EntityType.VARIANT: {"title": (300, _PLAIN)},
    EntityType.CATEGORY: _TAXONOMY,
    EntityType.BRAND: _TAXONOMY,
    EntityType.COLLECTION: _TAXONOMY,
}
_MODELS: dict[EntityType, type[Any]] = {
    EntityType.PRODUCT: Product,
    EntityType.VARIANT: ProductVariant,
    EntityType.CATEGORY: Category,
    EntityType.BRAND: Brand,
    EntityType.COLLECTION: Collection,
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _entity_type(value: str) -> EntityType:
    try:
        return EntityType(value)
    except ValueError:
        raise DomainError(
            CatalogErrorCode.INVALID,
            f"entity type is one of {', '.join(e.value for e in EntityType)}",
            field="entityType",
        ) from None


async def _check_locale(uow: UnitOfWork, locale: str) -> None:
    store = await current_store(uow)
    if locale not in store.locales:
        raise DomainError(
            CatalogErrorCode.UNSUPPORTED_LOCALE,
            f"the store's locales are {', '.join(store.locales)}",
            field="locale",
        )


async def _product_ids(uow: UnitOfWork, kind: EntityType, entity_id: uuid.UUID) -> list[str]:
    """The products whose pages show this text: the product itself, or the variant's product."""
    row = await uow.session.get(_MODELS[kind], entity_id)
    if row is None or row.store_id != uow.store_id:
        raise DomainError(CatalogErrorCode.NOT_FOUND, f"no {kind.value} with this id", field="id")
    if kind is EntityType.PRODUCT:
        return [str(entity_id)]
    if kind is EntityType.VARIANT:
        return [str(row.product_id)]
    return []


def _clean(kind: EntityType, fields: Mapping[str, str]) -> dict[str, str]:
    allowed = FIELDS[kind]
    errors: list[DomainError] = []
    out: dict[str, str] = {}
    for name, value in fields.items():
        if name not in allowed:
            errors.append(
                DomainError(
                    CatalogErrorCode.INVALID,
                    f"a {kind.value} translates {', '.join(allowed)}",
                    field=f"fields.{_camel(name)}",
                )
            )
            continue
        limit, clean = allowed[name]
        if not isinstance(value, str) or "\x00" in value:
            errors.append(
                DomainError(CatalogErrorCode.INVALID, "must be text", field=f"fields.{_camel(name)}")
            )
            continue
        text = clean(nfc(value))
        if not text or len(text) > limit:
            errors.append(
                DomainError(
                    CatalogErrorCode.INVALID, f"1 to {limit} characters", field=f"fields.{_camel(name)}"
                )
            )
            continue
        out[name] = text
    if not fields:
        errors.append(DomainError(CatalogErrorCode.REQUIRED, "give at least one field", field="fields"))
    if errors:
        raise DomainErrors(errors)
    return out


def _event(uow: UnitOfWork, kind: EntityType, entity_id: uuid.UUID, locale: str, products: list[str]) -> None:
    uow.emit(
        events.TRANSLATION_UPDATED,
        {"entity_type": kind.value, "entity_id": str(entity_id), "locale": locale, "product_ids": products},
    )


async def set_translation(
    uow: UnitOfWork, entity_type: str, entity_id: uuid.UUID, locale: str, fields: Mapping[str, str]
) -> Translation:
    """Set translated fields of one entity in one locale; fields not given keep their translation.

    The locale must be one of the store's (UNSUPPORTED_LOCALE); an unknown entity is NOT_FOUND; a field the
    entity does not translate is INVALID on `fields.<name>`."""
    kind = _entity_type(entity_type)
    cleaned = _clean(kind, fields)
    await _check_locale(uow, locale)
    products = await _product_ids(uow, kind, entity_id)
    # One statement merges with what is there, so two editors translating different fields both keep theirs.
    statement = (
        insert(Translation)
        .values(
            store_id=uow.store_id, entity_type=kind.value, entity_id=entity_id, locale=locale, fields=cleaned
        )
        .on_conflict_do_update(
            index_elements=["entity_type", "entity_id", "locale"],
            set_={"fields": Translation.fields.concat(cleaned), "updated_at": uow.clock()},
        )
        .returning(Translation)
    )
    translation = (await uow.session.scalars(statement, execution_options={"populate_existing": True})).one()
    _event(uow, kind, entity_id, locale, products)
    return translation


async def remove_translation(
    uow: UnitOfWork,
    entity_type: str,
    entity_id: uuid.UUID,
    locale: str,
    fields: Sequence[str] | None = None,
) -> Translation | None:
    """Remove some translated fields (all of them when `fields` is None); the row goes with its last field.
    Returns what is left, or None. Removing what is not there changes nothing and emits nothing."""
    kind = _entity_type(entity_type)
    for i, name in enumerate(fields or []):
        if name not in FIELDS[kind]:
            raise DomainError(
                CatalogErrorCode.INVALID,
                f"a {kind.value} translates {', '.join(FIELDS[kind])}",
                field=f"fields.{i}",
            )
    await _check_locale(uow, locale)
    products = await _product_ids(uow, kind, entity_id)
    translation = await uow.session.scalar(
        select(Translation)
        .where(
            Translation.entity_type == kind.value,
            Translation.entity_id == entity_id,
            Translation.locale == locale,
        )
        .with_for_update()
    )
    if translation is None:
        return None
    left = {} if fields is None else {k: v for k, v in translation.fields.items() if k not in fields}
    if left == translation.fields:
        return translation
    if left:
        translation.fields = left
    else:
        await uow.session.delete(translation)
    await uow.session.flush()
    _event(uow, kind, entity_id, locale, products)
    return translation if left else None


async def translations_of(
    uow: UnitOfWork, entity_type: str, entity_id: uuid.UUID
) -> dict[str, dict[str, str]]:
    """Every locale's translated fields of one entity (for admin screens and tests)."""
    rows = await uow.session.scalars(
        select(Translation).where(
            Translation.entity_type == _entity_type(entity_type).value, Translation.entity_id == entity_id
        )
    )
    return {t.locale: dict(t.fields) for t in rows.all()}
