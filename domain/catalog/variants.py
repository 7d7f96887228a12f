"""Creating, changing and deleting variants: SKU unique per store, option values fitting the product's
options. Events name the owning product and every bundle the variant is part of."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from domain.catalog import events
from domain.catalog.errors import CatalogErrorCode
from domain.catalog.inputs import VariantCreateInput, VariantFields
from domain.catalog.models import Product, ProductVariant
from domain.catalog.products import option_values_problem, product_options
from domain.catalog.writes import affected_by_variant, flush_in_use, flush_unique, require
from domain.errors import DomainError
from domain.uow import UnitOfWork

_FIELDS = ("sku", "title", "option_values", "barcode", "weight_grams", "track_inventory", "position")


async def _check_option_values(uow: UnitOfWork, product_id: uuid.UUID, values: dict[str, str]) -> None:
    allowed = {o.name: set(o.values) for o in await product_options(uow, product_id)}
    problem = option_values_problem(allowed, values)
    if problem:
        raise DomainError(CatalogErrorCode.INVALID_OPTION_VALUES, problem, field="optionValues")


def _default_title(values: dict[str, str]) -> str:
    return " / ".join(values.values())


async def create_variant(uow: UnitOfWork, product_id: uuid.UUID, data: VariantCreateInput) -> ProductVariant:
    """Add a variant at the end (or at `position`); its title defaults to its option values."""
    product = await require(uow, Product, product_id, field="productId")
    values = data.option_values or {}
    await _check_option_values(uow, product.id, values)
    position = data.position
    if position is None:
        last = await uow.session.scalar(
            select(func.max(ProductVariant.position)).where(ProductVariant.product_id == product.id)
        )
        position = 0 if last is None else last + 1
    variant = ProductVariant(
        id=uuid.uuid4(),
        product_id=product.id,
        sku=data.sku,
        title=data.title if data.title is not None else _default_title(values),
        option_values=values,
        barcode=data.barcode,
        weight_grams=data.weight_grams,
        track_inventory=True if data.track_inventory is None else data.track_inventory,
        position=position,
    )
    uow.session.add(variant)
    await flush_unique(uow, CatalogErrorCode.DUPLICATE_SKU, "another variant has this SKU", field="sku")
    uow.emit(events.VARIANT_CREATED, {"id": str(variant.id), "product_ids": [str(product.id)]})
    return variant


async def update_variant(uow: UnitOfWork, variant_id: uuid.UUID, data: VariantFields) -> ProductVariant:
    variant = await require(uow, ProductVariant, variant_id, field="id", lock=True)
    given = data.model_fields_set
    if "option_values" in given and data.option_values is not None:
        await _check_option_values(uow, variant.product_id, data.option_values)
    for name in _FIELDS:
        if name in given:
            setattr(variant, name, getattr(data, name))
    await flush_unique(uow, CatalogErrorCode.DUPLICATE_SKU, "another variant has this SKU", field="sku")
    uow.emit(
        events.VARIANT_UPDATED,
        {"id": str(variant.id), "product_ids": await affected_by_variant(uow.session, variant)},
    )
    return variant


async def delete_variant(uow: UnitOfWork, variant_id: uuid.UUID) -> None:
    """Delete a variant with its prices, stock and images. One that is part of a bundle is IN_USE."""
    variant = await require(uow, ProductVariant, variant_id, field="id", lock=True)
    affected = await affected_by_variant(uow.session, variant)
    if len(affected) > 1:
        raise DomainError(CatalogErrorCode.IN_USE, "the variant is part of a bundle", field="id")
    await uow.session.delete(variant)
    await flush_in_use(uow, "the variant is still referenced", field="id")
    uow.emit(events.VARIANT_DELETED, {"id": str(variant_id), "product_ids": affected})


async def variants_by_id(uow: UnitOfWork, ids: list[uuid.UUID]) -> list[ProductVariant]:
    """The variants with these ids, in the order asked (missing ones left out)."""
    found = {
        v.id: v
        for v in (await uow.session.scalars(select(ProductVariant).where(ProductVariant.id.in_(ids)))).all()
    }
    return [found[i] for i in ids if i in found]
