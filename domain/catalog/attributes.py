"""Typed attributes (text, number, boolean, date, choice, multi-choice, swatch) and products' values of
them. Each kind has its own value column, so filters compare numbers as numbers and dates as dates."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from sqlalchemy import ARRAY, String, delete, select
from sqlalchemy import cast as cast_sql
from sqlalchemy.dialects.postgresql import array as pg_array

from domain.catalog import events
from domain.catalog.errors import CatalogErrorCode
from domain.catalog.inputs import AttributeCreateInput, AttributeFields, AttributeValueInput, ChoiceInput
from domain.catalog.models import Attribute, AttributeKind, Product, ProductAttributeValue
from domain.catalog.writes import flush_unique, product_ids, require
from domain.errors import DomainError
from domain.uow import UnitOfWork

CHOICE_KINDS = (AttributeKind.CHOICE, AttributeKind.MULTI_CHOICE, AttributeKind.SWATCH)
_NUMBER_LIMIT = Decimal("1e14")  # Numeric(20, 6) holds 14 digits before the point


def _choices(kind: AttributeKind, choices: Sequence[ChoiceInput] | None) -> list[dict[str, str]]:
    if kind not in CHOICE_KINDS:
        if choices:
            raise DomainError(CatalogErrorCode.INVALID, f"a {kind} attribute has no choices", field="choices")
        return []
    if not choices:
        raise DomainError(CatalogErrorCode.REQUIRED, f"a {kind} attribute needs choices", field="choices")
    out = []
    for i, c in enumerate(choices):
        if kind is AttributeKind.SWATCH and not c.swatch:
            raise DomainError(
                CatalogErrorCode.REQUIRED, "a swatch needs a colour or image", field=f"choices.{i}"
            )
        row = {"code": c.code, "label": c.label}
        if c.swatch:
            row["swatch"] = c.swatch
        out.append(row)
    return out


async def _users_of(uow: UnitOfWork, attribute_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await uow.session.scalars(
        select(ProductAttributeValue.product_id).where(ProductAttributeValue.attribute_id == attribute_id)
    )
    return sorted(rows.all())


async def create_attribute(uow: UnitOfWork, data: AttributeCreateInput) -> Attribute:
    attribute = Attribute(
        id=uuid.uuid4(),
        code=data.code,
        name=data.name,
        kind=data.kind,
        choices=_choices(data.kind, data.choices),
        filterable=True if data.filterable is None else data.filterable,
    )
    uow.session.add(attribute)
    await flush_unique(uow, CatalogErrorCode.UNIQUE, "an attribute with this code exists", field="code")
    uow.emit(events.ATTRIBUTE_CHANGED, {"id": str(attribute.id), "product_ids": []})
    return attribute


async def update_attribute(uow: UnitOfWork, attribute_id: uuid.UUID, data: AttributeFields) -> Attribute:
    """Rename, re-choose or toggle filtering. Removing a choice that products still use is IN_USE."""
    attribute = await require(uow, Attribute, attribute_id, field="id", lock=True)
    given = data.model_fields_set
    if "name" in given and data.name is not None:
        attribute.name = data.name
    if "filterable" in given and data.filterable is not None:
        attribute.filterable = data.filterable
    if "choices" in given:
        choices = _choices(attribute.kind, data.choices)
        removed = {c["code"] for c in attribute.choices or []} - {c["code"] for c in choices}
        if removed:
            used = await uow.session.scalar(
                select(ProductAttributeValue.product_id)
                .where(
                    ProductAttributeValue.attribute_id == attribute.id,
                    ProductAttributeValue.choice_values.op("&&")(
                        cast_sql(pg_array(sorted(removed)), ARRAY(String(100)))
                    ),
                )
                .limit(1)
            )
            if used is not None:
                raise DomainError(
                    CatalogErrorCode.IN_USE, "a removed choice is still in use", field="choices"
                )
        attribute.choices = choices
    await uow.session.flush()
    uow.emit(
        events.ATTRIBUTE_CHANGED,
        {"id": str(attribute.id), "product_ids": product_ids(await _users_of(uow, attribute.id))},
    )
    return attribute


async def delete_attribute(uow: UnitOfWork, attribute_id: uuid.UUID) -> None:
    """Delete the attribute and every product's value of it."""
    attribute = await require(uow, Attribute, attribute_id, field="id", lock=True)
    users = await _users_of(uow, attribute.id)
    await uow.session.delete(attribute)
    await uow.session.flush()
    uow.emit(events.ATTRIBUTE_CHANGED, {"id": str(attribute_id), "product_ids": product_ids(users)})


@dataclass(frozen=True)
class TypedValue:
    text_value: str | None = None
    number_value: Decimal | None = None
    bool_value: bool | None = None
    date_value: date | None = None
    choice_values: tuple[str, ...] = ()


def typed_value(attribute: Attribute, value: Any) -> TypedValue:
    """The value in its column, or ValueError saying why it does not fit the attribute's kind."""
    kind = attribute.kind
    if kind is AttributeKind.TEXT:
        if not isinstance(value, str) or not value.strip() or len(value) > 10_000 or "\x00" in value:
            raise ValueError("expected non-blank text")
        return TypedValue(text_value=value.strip())
    if kind is AttributeKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError("expected a number")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValueError("expected a number") from None
        if not number.is_finite() or abs(number) >= _NUMBER_LIMIT:
            raise ValueError("number out of range")
        return TypedValue(number_value=number)
    if kind is AttributeKind.BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError("expected true or false")
        return TypedValue(bool_value=value)
    if kind is AttributeKind.DATE:
        if not isinstance(value, str):
            raise ValueError("expected a date as YYYY-MM-DD")
        try:
            return TypedValue(date_value=date.fromisoformat(value))
        except ValueError:
            raise ValueError("expected a date as YYYY-MM-DD") from None
    codes = {c["code"] for c in attribute.choices or []}
    if kind is AttributeKind.MULTI_CHOICE:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise ValueError("expected a non-empty list of choice codes")
        picked = tuple(dict.fromkeys(value))
    else:
        if not isinstance(value, str):
            raise ValueError("expected one choice code")
        picked = (value,)
    unknown = [v for v in picked if v not in codes]
    if unknown:
        raise ValueError(f"not a choice of {attribute.code}: {', '.join(unknown)}")
    return TypedValue(choice_values=picked)


async def set_attribute_values(
    uow: UnitOfWork, product_id: uuid.UUID, values: Sequence[AttributeValueInput]
) -> list[tuple[Attribute, ProductAttributeValue]]:
    """Set (or, with a null value, remove) the product's values of the given attributes; others stay.
    Returns every value the product has afterwards."""
    product = await require(uow, Product, product_id, field="productId", lock=True)
    wanted = [v.attribute_id for v in values]
    if len(set(wanted)) != len(wanted):
        raise DomainError(CatalogErrorCode.INVALID, "each attribute may appear once", field="values")
    found = {
        a.id: a for a in (await uow.session.scalars(select(Attribute).where(Attribute.id.in_(wanted)))).all()
    }
    rows: list[ProductAttributeValue] = []
    remove: list[uuid.UUID] = []
    for index, item in enumerate(values):
        attribute = found.get(item.attribute_id)
        if attribute is None:
            raise DomainError(
                CatalogErrorCode.NOT_FOUND, "no Attribute with this id", field=f"values.{index}.attributeId"
            )
        remove.append(attribute.id)
        if item.value is None:
            continue
        try:
            typed = typed_value(attribute, item.value)
        except ValueError as exc:
            raise DomainError(
                CatalogErrorCode.INVALID_ATTRIBUTE_VALUE, str(exc), field=f"values.{index}.value"
            ) from None
        rows.append(
            ProductAttributeValue(
                product_id=product.id,
                attribute_id=attribute.id,
                text_value=typed.text_value,
                # The column is Numeric: it stores and returns Decimal, whatever the annotation says.
                number_value=cast(float | None, typed.number_value),
                bool_value=typed.bool_value,
                date_value=typed.date_value,
                choice_values=list(typed.choice_values),
            )
        )
    if remove:
        await uow.session.execute(
            delete(ProductAttributeValue).where(
                ProductAttributeValue.product_id == product.id, ProductAttributeValue.attribute_id.in_(remove)
            )
        )
    uow.session.add_all(rows)
    await uow.session.flush()
    uow.emit(
        events.ATTRIBUTE_CHANGED,
        {
            "id": str(product.id),
            "attribute_ids": [str(a) for a in wanted],
            "product_ids": [str(product.id)],
        },
    )
    return await product_attribute_values(uow, product.id)


async def product_attribute_values(
    uow: UnitOfWork, product_id: uuid.UUID
) -> list[tuple[Attribute, ProductAttributeValue]]:
    """The product's values with their attributes, by attribute code."""
    rows = await uow.session.execute(
        select(Attribute, ProductAttributeValue)
        .join(ProductAttributeValue, ProductAttributeValue.attribute_id == Attribute.id)
        .where(ProductAttributeValue.product_id == product_id)
        .order_by(Attribute.code)
    )
    return [(a, v) for a, v in rows.tuples().all()]


def plain_value(attribute: Attribute, row: ProductAttributeValue) -> Any:
    """The value as JSON: what `set_attribute_values` accepts back."""
    kind = attribute.kind
    if kind is AttributeKind.TEXT:
        return row.text_value
    if kind is AttributeKind.NUMBER:
        number = Decimal(row.number_value) if row.number_value is not None else None
        if number is None:
            return None
        return int(number) if number == number.to_integral_value() else float(number)
    if kind is AttributeKind.BOOLEAN:
        return row.bool_value
    if kind is AttributeKind.DATE:
        return row.date_value.isoformat() if row.date_value else None
    if kind is AttributeKind.MULTI_CHOICE:
        return list(row.choice_values or [])
    return row.choice_values[0] if row.choice_values else None
